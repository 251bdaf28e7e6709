import { LexiconSentimentTask } from './lexicon-sentiment.task';
import type { NluTask } from './nlu-task';

/** Every task a worker can run, by the name TASK selects. */
const TASKS = {
  sentiment: () => new LexiconSentimentTask(),
} satisfies Record<string, () => NluTask>;

export const TASK_NAMES = Object.keys(TASKS) as [keyof typeof TASKS, ...(keyof typeof TASKS)[]];

export function createTask(name: keyof typeof TASKS): NluTask {
  return TASKS[name]();
}
