import { EncoderHeadClassifier } from './classifiers';
import type { Prediction, TextClassifier } from './prediction';
import type { SentenceEncoder } from './sentence-encoder';

/**
 * Several tasks served by one process: each distinct encoder embeds a batch once and every head on
 * it reads that embedding, so five encoder tasks cost one transformer pass instead of five. The
 * other models (fastText, the entity tagger) run beside it.
 */
export class TaskGroup {
  readonly tasks: string[];

  constructor(readonly classifiers: TextClassifier[]) {
    if (classifiers.length === 0) throw new Error('a task group needs at least one task');
    this.tasks = classifiers.map((c) => c.task);
    const duplicate = this.tasks.find((task, i) => this.tasks.indexOf(task) !== i);
    if (duplicate) throw new Error(`task ${duplicate} is in the group twice`);
  }

  /** Every task's predictions for the texts: `result[t][i]` is task t's answer for text i. */
  async predict(texts: string[]): Promise<Prediction[][]> {
    if (texts.length === 0) return this.classifiers.map(() => []);
    const results: Prediction[][] = new Array(this.classifiers.length);
    const byEncoder = new Map<SentenceEncoder, number[]>();
    const own: Promise<void>[] = [];
    this.classifiers.forEach((classifier, t) => {
      if (classifier instanceof EncoderHeadClassifier) {
        byEncoder.set(classifier.encoder, [...(byEncoder.get(classifier.encoder) ?? []), t]);
      } else {
        own.push(classifier.predict(texts).then((p) => void (results[t] = p)));
      }
    });
    const shared = [...byEncoder].map(async ([encoder, members]) => {
      const embeddings = await encoder.embed(texts);
      await Promise.all(
        members.map(async (t) => {
          results[t] = await (this.classifiers[t] as EncoderHeadClassifier).predictEmbedded(texts, embeddings);
        }),
      );
    });
    await Promise.all([...shared, ...own]);
    return results;
  }

  async release(): Promise<void> {
    await Promise.all(this.classifiers.map((c) => c.release()));
  }
}
