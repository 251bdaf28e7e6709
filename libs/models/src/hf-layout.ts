import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a Hugging Face ONNX export folder holds: config.json, tokenizer.json, model.onnx or onnx/model.onnx. */
export interface HfLayout {
  dir: string;
  modelFile: string;
  /** Labels by class index, from config.json's id2label; empty for an encoder. */
  labels: string[];
  config: Record<string, unknown>;
}

export class HfLayoutError extends Error {
  override readonly name = 'HfLayoutError';
}

export function readHfLayout(dir: string): HfLayout {
  const modelFile = ['model.onnx', join('onnx', 'model.onnx')].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!modelFile) throw new HfLayoutError(`${dir} has neither model.onnx nor onnx/model.onnx`);
  if (!existsSync(join(dir, 'tokenizer.json'))) throw new HfLayoutError(`${dir} has no tokenizer.json`);
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile)) throw new HfLayoutError(`${dir} has no config.json`);
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  return { dir, modelFile, labels: labelsFromId2Label(config.id2label), config };
}

/** id2label as a dense list ({"0": "neg", "1": "pos"} → ["neg", "pos"]); a gap is an error. */
export function labelsFromId2Label(id2label: unknown): string[] {
  if (id2label === undefined || id2label === null) return [];
  if (typeof id2label !== 'object') throw new HfLayoutError('config.json id2label is not an object');
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels: string[] = [];
  for (const [key, value] of entries) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || typeof value !== 'string') throw new HfLayoutError(`config.json id2label has a bad entry ${key}: ${String(value)}`);
    labels[index] = value;
  }
  for (let i = 0; i < labels.length; i++) if (labels[i] === undefined) throw new HfLayoutError(`config.json id2label has no label for class ${i}`);
  return labels;
}
