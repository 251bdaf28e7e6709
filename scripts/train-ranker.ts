/**
 * `npm run train:ranker -- [--pairs 30000] [--held-out 3000] [--epochs 2] [--hard 0] [--seed 7]`
 *
 * Trains the reply ranker (models/reply-ranker): a bilinear scorer of (conversation, reply) over
 * the NLU encoder's embeddings, on real turn → next turn pairs of the Chit-Chat corpus against the
 * other replies of each batch (and, with --hard N, the replies of the nearest other prompts: what
 * retrieval itself would offer; on this corpus they taught it noise, docs/quality.md).
 * Conversations are split by a hash of their id, so no held-out conversation is trained on. Prints
 * recall@1 among 10 candidates and MRR on the held-out split, for the ranker and for plain cosine,
 * and writes the weights, the manifest (with those figures) and MODEL_CARD.md.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  blend,
  chitChatPairs,
  createSession,
  DEFAULT_RUNTIME,
  ModelRepository,
  ort,
  projectRoot,
  ReplyRanker,
  searchGraph,
  type CorpusPair,
  type ReplyRankerManifest,
} from '@app/models';
import { embedAll } from './train/embedding-cache';
import { seededRandom } from './train/mlp';
import { fitCalibration, rankingFigures, trainRanker, type RankingFigures, type RankingPairs } from './train/ranker';

const NAME = 'reply-ranker';
const BANK = 'response-bank';
/** Candidates per held-out query (the true reply + 9). */
const CANDIDATES = 10;
const SCALE = 20;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pairs: { type: 'string', default: '30000' },
      'held-out': { type: 'string', default: '3000' },
      epochs: { type: 'string', default: '2' },
      /** Hard negatives per training query (the replies of the nearest other prompts). */
      hard: { type: 'string', default: '0' },
      'batch-size': { type: 'string', default: '256' },
      'learning-rate': { type: 'string', default: '0.001' },
      decay: { type: 'string', default: '0.0001' },
      seed: { type: 'string', default: '7' },
      version: { type: 'string', default: '1.0.0' },
    },
  });
  const options = {
    pairs: Number(values.pairs),
    heldOut: Number(values['held-out']),
    epochs: Number(values.epochs),
    hard: Number(values.hard),
    batchSize: Number(values['batch-size']),
    learningRate: Number(values['learning-rate']),
    decay: Number(values.decay),
    seed: Number(values.seed),
  };
  const root = projectRoot();
  const log = (line: string) => console.log(`[train ranker] ${line}`);
  const repository = new ModelRepository({ log });
  const bank = repository.manifest(BANK);
  if (bank.format !== 'response-bank') throw new Error(`${BANK} is not a response bank`);
  const corpusDir = await repository.ensureFetched(BANK);
  const encoder = await repository.encoder(bank.encoder);
  const corpus = JSON.parse(readFileSync(join(corpusDir, bank.corpus), 'utf8')) as Parameters<typeof chitChatPairs>[0];

  // Whole conversations go to one side: 1 in 10 by a hash of the id is held out.
  const heldOutIds = new Set(Object.keys(corpus).filter((id) => createHash('sha256').update(`${NAME}:${id}`).digest()[0] < 26));
  const side = (held: boolean) => Object.fromEntries(Object.entries(corpus).filter(([id]) => heldOutIds.has(id) === held));
  const train = chitChatPairs(side(false), options.pairs, options.seed, bank.maxReplyWords);
  const heldOut = chitChatPairs(side(true), options.heldOut, options.seed, bank.maxReplyWords);
  log(
    `${train.length} training pairs, ${heldOut.length} held-out pairs (${heldOutIds.size} of ${Object.keys(corpus).length} conversations held out)`,
  );

  const cache = join(root, '.cache', 'embeddings');
  const embedPairs = async (pairs: CorpusPair[]): Promise<RankingPairs> => {
    const texts = [...new Set(pairs.flatMap((p) => [p.prompt, p.context, p.reply]).filter(Boolean))];
    const vectors = await embedAll(encoder, texts, cache, log);
    const d = encoder.dimension;
    const at = new Map(texts.map((t, i) => [t, i]));
    const vector = (text: string) => (text ? vectors.subarray(at.get(text)! * d, (at.get(text)! + 1) * d) : undefined);
    const queries = new Float32Array(pairs.length * d);
    const replies = new Float32Array(pairs.length * d);
    pairs.forEach((p, i) => {
      queries.set(blend(vector(p.prompt)!.slice(), vector(p.context), bank.contextWeight), i * d);
      replies.set(blend(vector(p.reply)!.slice(), undefined, 0), i * d);
    });
    return { queries, replies, rows: pairs.length, dims: d };
  };
  const trainSet = await embedPairs(train);
  const heldOutSet = await embedPairs(heldOut);

  const HARD = options.hard;
  if (HARD > 0) log('finding hard negatives (the replies of the nearest other prompts)');
  const trainNeighbours = HARD > 0 ? await nearest(trainSet, HARD + 8) : [];
  const hard = new Int32Array(train.length * HARD);
  if (HARD > 0)
    train.forEach((pair, i) => {
      const picked = trainNeighbours[i].filter((j) => j !== i && train[j].reply.toLowerCase() !== pair.reply.toLowerCase()).slice(0, HARD);
      while (picked.length < HARD) picked.push((i + 1 + picked.length) % train.length);
      hard.set(picked, i * HARD);
    });

  // Held-out candidate lists: the true reply first, then 9 others (random; or retrieval's neighbours).
  const random = seededRandom(options.seed + 1);
  const randomLists = heldOut.map((pair, i) => {
    const list = [i];
    while (list.length < CANDIDATES) {
      const j = Math.floor(random() * heldOut.length);
      if (!list.includes(j) && heldOut[j].reply.toLowerCase() !== pair.reply.toLowerCase()) list.push(j);
    }
    return list;
  });
  const heldOutNeighbours = await nearest(heldOutSet, CANDIDATES + 8);
  const hardLists = heldOut.map((pair, i) => [
    i,
    ...heldOutNeighbours[i].filter((j) => j !== i && heldOut[j].reply.toLowerCase() !== pair.reply.toLowerCase()).slice(0, CANDIDATES - 1),
  ]);

  const d = encoder.dimension;
  const identity = new Float32Array(d * d);
  for (let i = 0; i < d; i++) identity[i * d + i] = 1;
  const cosine = ReplyRanker.fromWeights('cosine', '-', identity, d, SCALE);
  const before = { random: rankingFigures(heldOutSet, randomLists, cosine), hard: rankingFigures(heldOutSet, hardLists, cosine) };
  log(`cosine: ${describe(before.random)} (random candidates); ${describe(before.hard)} (retrieval's neighbours)`);

  const started = Date.now();
  const weights = trainRanker(trainSet, hard, HARD, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    decay: options.decay,
    scale: SCALE,
    seed: options.seed,
    onEpoch: (epoch, loss, sofar) => {
      const trained = ReplyRanker.fromWeights(NAME, values.version!, sofar, d, SCALE);
      log(
        `epoch ${epoch}/${options.epochs}: loss ${loss.toFixed(4)}, held-out ${describe(rankingFigures(heldOutSet, randomLists, trained))} (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    },
  });

  // Calibration on held-out logits: each true reply (fits) and one random other (does not).
  const uncalibrated = ReplyRanker.fromWeights(NAME, values.version!, weights, d, SCALE);
  const logits: number[] = [];
  const labels: number[] = [];
  randomLists.forEach((list, i) => {
    const projected = uncalibrated.project(heldOutSet.queries.subarray(i * d, (i + 1) * d));
    for (const [row, label] of [
      [list[0], 1],
      [list[1], 0],
    ]) {
      logits.push(uncalibrated.logit(projected, heldOutSet.replies.subarray(row * d, (row + 1) * d)));
      labels.push(label);
    }
  });
  const calibration = fitCalibration(logits, labels);
  const after = {
    random: rankingFigures(heldOutSet, randomLists, uncalibrated),
    hard: rankingFigures(heldOutSet, hardLists, uncalibrated),
  };
  log(`ranker: ${describe(after.random)} (random candidates); ${describe(after.hard)} (retrieval's neighbours)`);

  const outDir = join(root, 'models', NAME);
  mkdirSync(outDir, { recursive: true });
  const bytes = new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
  writeFileSync(join(outDir, 'weights.f32'), bytes);
  const manifest: ReplyRankerManifest & { format: 'reply-ranker' } = {
    format: 'reply-ranker',
    name: NAME,
    version: values.version!,
    description: `Scores how well a reply answers a conversation: q·W·r over ${encoder.name} embeddings (the message blended with the bot's previous turn; the reply), trained on Chit-Chat turn pairs against the other replies of each batch${options.hard > 0 ? ` and ${options.hard} hard negatives` : ''}, calibrated on held-out pairs.`,
    encoder: bank.encoder,
    file: 'weights.f32',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    dimension: d,
    scale: SCALE,
    calibration,
    contextWeight: bank.contextWeight,
    heldOut: {
      pairs: heldOut.length,
      recallAt1of10: round(after.random.recallAt1),
      mrr: round(after.random.mrr),
      cosineRecallAt1of10: round(before.random.recallAt1),
      cosineMrr: round(before.random.mrr),
      neighboursRecallAt1of10: round(after.hard.recallAt1),
      neighboursMrr: round(after.hard.mrr),
      cosineNeighboursRecallAt1of10: round(before.hard.recallAt1),
      cosineNeighboursMrr: round(before.hard.mrr),
    },
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const command = `npm run train:ranker -- --pairs ${options.pairs} --held-out ${options.heldOut} --epochs ${options.epochs} --hard ${options.hard} --batch-size ${options.batchSize} --learning-rate ${options.learningRate} --decay ${options.decay} --seed ${options.seed}`;
  writeFileSync(join(outDir, 'MODEL_CARD.md'), card(manifest, train.length, heldOut.length, HARD, before, after, command));
  log(`wrote ${relative(root, outDir)}/ (manifest.json, MODEL_CARD.md, weights.f32)`);
  await repository.release();
}

/** For each row's query, the rows whose queries are nearest (itself included), best first, by ONNX top-k. */
async function nearest(set: RankingPairs, k: number): Promise<number[][]> {
  const { session } = await createSession(searchGraph(set.queries, set.dims, set.rows, k), DEFAULT_RUNTIME);
  const { Tensor } = ort();
  const out: number[][] = [];
  const width = Math.min(k, set.rows);
  for (let start = 0; start < set.rows; start += 512) {
    const rows = Math.min(512, set.rows - start);
    const query = set.queries.slice(start * set.dims, (start + rows) * set.dims);
    const result = await session.run({ query: new Tensor('float32', query, [rows, set.dims]) });
    const indices = result.top_indices.data as BigInt64Array;
    for (let r = 0; r < rows; r++) out.push(Array.from(indices.subarray(r * width, (r + 1) * width), Number));
  }
  await session.release();
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const describe = (f: RankingFigures) =>
  `recall@1/10 ${f.recallAt1.toFixed(3)}, recall@3/10 ${f.recallAt3.toFixed(3)}, MRR ${f.mrr.toFixed(3)}`;

function card(
  manifest: ReplyRankerManifest,
  trainPairs: number,
  heldOutPairs: number,
  hard: number,
  before: { random: RankingFigures; hard: RankingFigures },
  after: { random: RankingFigures; hard: RankingFigures },
  command: string,
): string {
  const row = (name: string, f: RankingFigures) =>
    `| ${name} | ${f.recallAt1.toFixed(3)} | ${f.recallAt3.toFixed(3)} | ${f.mrr.toFixed(3)} |`;
  return `# ${manifest.name} ${manifest.version}

${manifest.description}

- Encoder: \`${manifest.encoder}\`; score = σ(a · ${manifest.scale} · q·W·r + b), a = ${manifest.calibration.a.toFixed(4)}, b = ${manifest.calibration.b.toFixed(4)}.
- Data: the Chit-Chat corpus (PyPI \`chitchat-dataset\`), turn → next turn with the turn before as context; ${trainPairs} training pairs and ${heldOutPairs} held-out pairs from conversations never trained on (1 in 10 by a hash of the conversation id).
- Training: W starts as the identity (plain cosine); softmax cross entropy of each conversation's true reply against the batch's other replies${hard > 0 ? ` and ${hard} hard negatives (replies of the nearest other prompts)` : ''}; weight decay pulls W back towards the identity.

## Held-out ranking (${heldOutPairs} pairs, the true reply among 10 candidates)

Random candidates (the other 9 are replies from other held-out conversations):

| scorer | recall@1 | recall@3 | MRR |
| --- | --- | --- | --- |
${row('cosine (message, reply)', before.random)}
${row(`${manifest.name} ${manifest.version}`, after.random)}

Retrieval's neighbours (the other 9 are the replies to the 9 nearest held-out prompts: what retrieval would offer):

| scorer | recall@1 | recall@3 | MRR |
| --- | --- | --- | --- |
${row('cosine (message, reply)', before.hard)}
${row(`${manifest.name} ${manifest.version}`, after.hard)}

Reproduce: \`${command}\`
`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
