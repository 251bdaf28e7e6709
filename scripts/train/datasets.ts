import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A text and its gold labels (one for single-label sets). */
export interface Example {
  text: string;
  labels: string[];
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

function read(file: string): string {
  if (!existsSync(file)) throw new DatasetError(`missing ${file}`);
  return readFileSync(file, 'utf8');
}

/** CLINC150 "full": train/val, each [utterance, intent]; out-of-scope rows are labelled `oos`. */
export function readClinc(dir: string): { train: Example[]; val: Example[]; oosTrain: Example[]; oosVal: Example[] } {
  const data = JSON.parse(read(join(dir, 'data.json'))) as Record<string, [string, string][]>;
  const rows = (split: string) => {
    if (!Array.isArray(data[split])) throw new DatasetError(`${dir}/data.json has no ${split} split`);
    return data[split].map(([text, intent]) => ({ text, labels: [intent] }));
  };
  return { train: rows('train'), val: rows('val'), oosTrain: rows('oos_train'), oosVal: rows('oos_val') };
}

/** A committed JSONL set of {"text", "label", "split"} lines (data/nlu/*.jsonl). */
export function readJsonl(file: string): { train: Example[]; test: Example[]; labels: string[] } {
  const train: Example[] = [];
  const test: Example[] = [];
  read(file)
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const row = JSON.parse(line) as { text?: unknown; label?: unknown; split?: unknown };
      if (typeof row.text !== 'string' || typeof row.label !== 'string' || (row.split !== 'train' && row.split !== 'test')) {
        throw new DatasetError(`${file}:${i + 1}: needs text, label and split (train|test)`);
      }
      (row.split === 'train' ? train : test).push({ text: row.text, labels: [row.label] });
    });
  const labels = [...new Set(train.map((e) => e.labels[0]))].sort();
  return { train, test, labels };
}

/** GoEmotions: `text<TAB>label ids<TAB>id` rows, label names in labels.txt in id order. */
export function readGoEmotions(dir: string, split: 'train' | 'dev'): { examples: Example[]; labels: string[] } {
  const labels = read(join(dir, 'labels.txt'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const examples = read(join(dir, `${split}.tsv`))
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const [text, ids] = line.split('\t');
      const names = (ids ?? '').split(',').map((id) => labels[Number(id)]);
      if (!text || names.length === 0 || names.some((n) => n === undefined))
        throw new DatasetError(`${dir}/${split}.tsv:${i + 1}: bad row`);
      return { text, labels: names };
    });
  return { examples, labels };
}

/**
 * GoEmotions' own sentiment grouping (Demszky et al. 2020, table 2): positive and negative
 * emotions; the ambiguous ones (surprise, curiosity, confusion, realization) and neutral count as
 * neutral here. A row whose labels pull both ways is left out rather than guessed.
 */
const POSITIVE = new Set([
  'admiration',
  'amusement',
  'approval',
  'caring',
  'desire',
  'excitement',
  'gratitude',
  'joy',
  'love',
  'optimism',
  'pride',
  'relief',
]);
const NEGATIVE = new Set([
  'anger',
  'annoyance',
  'disappointment',
  'disapproval',
  'disgust',
  'embarrassment',
  'fear',
  'grief',
  'nervousness',
  'remorse',
  'sadness',
]);

export function sentimentOf(emotions: string[]): 'positive' | 'negative' | 'neutral' | undefined {
  const positive = emotions.some((e) => POSITIVE.has(e));
  const negative = emotions.some((e) => NEGATIVE.has(e));
  if (positive && negative) return undefined;
  return positive ? 'positive' : negative ? 'negative' : 'neutral';
}

export function toSentiment(examples: Example[]): Example[] {
  return examples.flatMap((e) => {
    const sentiment = sentimentOf(e.labels);
    return sentiment ? [{ text: e.text, labels: [sentiment] }] : [];
  });
}
