import { join, relative } from 'node:path';
import { readClinc, readGoEmotions, readJsonl, toSentiment, type Example } from './datasets';

/** One head to train: its labels, training rows, and whether a row may carry several labels. */
export interface HeadPlan {
  name: string;
  labels: string[];
  multiLabel: boolean;
  train: Example[];
}

/** A named evaluation set, scored with the first head (the task's answer) unless it says otherwise. */
export interface EvalSet {
  name: string;
  head: string;
  examples: Example[];
  /** accuracy: best label is the gold one; macro-F1 over labels; outside: share of rows whose best label is not in `inside`. */
  metric: 'accuracy' | 'macro-f1' | 'outside';
  inside?: string[];
  /** Quality bar from the issue, when there is one. */
  bar?: number;
}

/**
 * The out-of-scope trade-off: a message is taken as one of `inside`'s intents only when the head
 * gives its best label at least a threshold; below it, or with a best label outside, it is out of
 * scope. Swept over thresholds on in-scope and out-of-scope validation rows.
 */
export interface ScopeCurve {
  head: string;
  inside: string[];
  inScope: Example[];
  outOfScope: Example[];
  /** Bars from the issue: in-scope accuracy and out-of-scope recall at the chosen threshold. */
  bars: { inScopeAccuracy: number; outOfScopeRecall: number };
}

/**
 * A binary alarm's threshold (toxicity): chosen on `validation` (the lowest false alarms within the
 * limit, best recall), then reported on held-out sets written apart from the training data.
 */
export interface AlarmPlan {
  head: string;
  positive: string;
  validation: Example[];
  benign: { name: string; examples: Example[] };
  harmful: { name: string; examples: Example[] };
  bars: { maxFalseAlarms: number; minRecall: number };
}

export interface TaskPlan {
  task: string;
  description: string;
  sources: string[];
  heads: HeadPlan[];
  evals: EvalSet[];
  scope?: ScopeCurve;
  alarm?: AlarmPlan;
}

export const TASK_NAMES = ['intent', 'emotion', 'sentiment', 'toxicity', 'dialog_act'] as const;
export type TrainableTask = (typeof TASK_NAMES)[number];

/** The default --data for each task, relative to the project root. */
export const DEFAULT_DATA: Record<TrainableTask, string> = {
  intent: '../shared/data/clinc150',
  emotion: '../shared/data/goemotions',
  sentiment: '../shared/data/goemotions',
  toxicity: 'data/nlu/toxicity.jsonl',
  dialog_act: 'data/nlu/dialog-acts.jsonl',
};

const labelsOf = (examples: Example[]) => [...new Set(examples.flatMap((e) => e.labels))].sort();

export function planTask(task: TrainableTask, data: string, root: string): TaskPlan {
  // Cards name data by its path from the project root, not by this machine's absolute path.
  const shown = relative(root, data) || '.';
  switch (task) {
    case 'intent': {
      const clinc = readClinc(data);
      const socialFile = join(root, 'data/nlu/social-intents.jsonl');
      const social = readJsonl(socialFile);
      // Personal statements that borrow a task's words ("my boss scheduled three meetings"): small talk.
      const chatter = readJsonl(join(root, 'data/nlu/small-talk-extra.jsonl'));
      // Greetings and goodbyes that call the bot by its name ("yo sassy" read as a compliment) or in slang.
      const hellos = readJsonl(join(root, 'data/nlu/greetings-extra.jsonl'));
      const train = [...clinc.train, ...clinc.oosTrain, ...social.train, ...chatter.train, ...hellos.train];
      const clincIntents = labelsOf(clinc.train);
      return {
        task,
        description: 'CLINC150 intents + out-of-scope (oos) + the social intents the bot needs',
        sources: [
          `${shown} (train + oos_train; val + oos_val for evaluation)`,
          `data/nlu/social-intents.jsonl (split=train; split=test held out)`,
          `data/nlu/small-talk-extra.jsonl (personal statements in a task's words, as small_talk; split=test held out)`,
          `data/nlu/greetings-extra.jsonl (greetings and goodbyes with the bot's name or in slang; split=test held out)`,
        ],
        heads: [{ name: 'intent', labels: labelsOf(train), multiLabel: false, train }],
        evals: [
          { name: 'CLINC150 val, in-scope accuracy', head: 'intent', examples: clinc.val, metric: 'accuracy', bar: 0.92 },
          { name: 'CLINC150 oos_val, out-of-scope recall (label oos)', head: 'intent', examples: clinc.oosVal, metric: 'accuracy' },
          // CLINC's out-of-scope means "none of its 150 intents"; many of those rows are google-able questions, which this bot calls factual_question.
          {
            name: "CLINC150 oos_val, out-of-scope recall (oos or a social intent: outside CLINC's 150)",
            head: 'intent',
            examples: clinc.oosVal,
            metric: 'outside',
            inside: clincIntents,
          },
          { name: 'social intents, held-out accuracy', head: 'intent', examples: social.test, metric: 'accuracy', bar: 0.9 },
          { name: "held-out greetings and goodbyes with the bot's name", head: 'intent', examples: hellos.test, metric: 'accuracy' },
          {
            name: "held-out personal statements: outside CLINC's 150",
            head: 'intent',
            examples: chatter.test,
            metric: 'outside',
            inside: clincIntents,
          },
        ],
        scope: {
          head: 'intent',
          inside: clincIntents,
          inScope: clinc.val,
          outOfScope: clinc.oosVal,
          bars: { inScopeAccuracy: 0.95, outOfScopeRecall: 0.9 },
        },
      };
    }
    case 'emotion': {
      const fine = { train: readGoEmotions(data, 'train'), dev: readGoEmotions(data, 'dev') };
      const ekmanDir = join(data, 'ekman');
      const shownEkman = relative(root, ekmanDir);
      const ekman = { train: readGoEmotions(ekmanDir, 'train'), dev: readGoEmotions(ekmanDir, 'dev') };
      return {
        task,
        description: 'GoEmotions: 27 emotions + neutral (multi-label), and the Ekman roll-up (6 emotions + neutral)',
        sources: [`${shown}/train.tsv (dev.tsv for evaluation)`, `${shownEkman}/train.tsv (dev.tsv for evaluation)`],
        heads: [
          { name: 'emotion', labels: fine.train.labels, multiLabel: true, train: fine.train.examples },
          { name: 'ekman', labels: ekman.train.labels, multiLabel: true, train: ekman.train.examples },
        ],
        evals: [
          { name: 'GoEmotions dev, 28 labels, macro-F1', head: 'emotion', examples: fine.dev.examples, metric: 'macro-f1' },
          { name: 'GoEmotions dev, Ekman macro-F1', head: 'ekman', examples: ekman.dev.examples, metric: 'macro-f1', bar: 0.55 },
        ],
      };
    }
    case 'sentiment': {
      const train = toSentiment(readGoEmotions(data, 'train').examples);
      const dev = toSentiment(readGoEmotions(data, 'dev').examples);
      return {
        task,
        description:
          "negative / neutral / positive, from GoEmotions with the dataset's own sentiment grouping (ambiguous → neutral; mixed rows left out)",
        sources: [`${shown}/train.tsv (dev.tsv for evaluation)`],
        heads: [{ name: 'sentiment', labels: ['negative', 'neutral', 'positive'], multiLabel: false, train }],
        evals: [
          { name: 'GoEmotions dev as sentiment, accuracy', head: 'sentiment', examples: dev, metric: 'accuracy' },
          { name: 'GoEmotions dev as sentiment, macro-F1', head: 'sentiment', examples: dev, metric: 'macro-f1' },
        ],
      };
    }
    case 'toxicity': {
      const set = readJsonl(data);
      // More hard negatives (friendly profanity, teasing, goodbyes, sad and angry-but-not-abusive lines) and toxic lines.
      const extra = [
        ...readJsonl(join(root, 'data/nlu/toxicity-extra.jsonl')).train,
        ...readJsonl(join(root, 'data/nlu/toxicity-extra2.jsonl')).train,
      ];
      // Requests to an assistant ("move 100 dollars to savings") are not toxic, but nothing in the
      // small toxicity set says so: a seeded sample of CLINC150's in-scope train utterances teaches
      // it, and all of its val utterances (never trained on) are the false-alarm check.
      const clincDir = join(root, '../shared/data/clinc150');
      const clinc = readClinc(clincDir);
      const asNonToxic = (rows: Example[], count: number) => sample(rows, count, 7).map((e) => ({ text: e.text, labels: ['non_toxic'] }));
      const requests = clinc.val.map((e) => ({ text: e.text, labels: ['non_toxic'] }));
      // Written apart from every training line: benign social chat, and abuse.
      const benign = readJsonl(join(root, 'data/nlu/eval/toxicity-benign.jsonl'));
      const toxic = readJsonl(join(root, 'data/nlu/eval/toxicity-toxic.jsonl'));
      return {
        task,
        description: 'toxic / non_toxic, for user messages and for screening replies',
        sources: [
          `${shown} (split=train; split=test held out, and the threshold is chosen on it)`,
          `data/nlu/toxicity-extra.jsonl and toxicity-extra2.jsonl (hard negatives and more toxic lines; lines close to a held-out one removed)`,
          `${relative(root, clincDir)} (1,200 in-scope train utterances as non_toxic; the 3,000 val utterances held out)`,
          'data/nlu/eval/toxicity-benign.jsonl and toxicity-toxic.jsonl (held out, written apart from the training data)',
        ],
        heads: [{ name: task, labels: set.labels, multiLabel: false, train: [...set.train, ...extra, ...asNonToxic(clinc.train, 1200)] }],
        evals: [
          { name: 'held-out accuracy', head: task, examples: set.test, metric: 'accuracy' },
          { name: 'held-out macro-F1', head: task, examples: set.test, metric: 'macro-f1' },
          { name: 'CLINC val requests judged non-toxic', head: task, examples: requests, metric: 'accuracy' },
        ],
        alarm: {
          head: task,
          positive: 'toxic',
          validation: set.test,
          benign: { name: 'benign social lines (data/nlu/eval/toxicity-benign.jsonl)', examples: benign.test },
          harmful: { name: 'held-out toxic lines (data/nlu/eval/toxicity-toxic.jsonl)', examples: toxic.test },
          bars: { maxFalseAlarms: 0.02, minRecall: 0.85 },
        },
      };
    }
    case 'dialog_act': {
      const set = readJsonl(data);
      return {
        task,
        description: 'dialog acts: what move a message makes',
        sources: [`${shown} (split=train; split=test held out)`],
        heads: [{ name: task, labels: set.labels, multiLabel: false, train: set.train }],
        evals: [
          { name: 'held-out accuracy', head: task, examples: set.test, metric: 'accuracy' },
          { name: 'held-out macro-F1', head: task, examples: set.test, metric: 'macro-f1' },
        ],
      };
    }
  }
}

/** A seeded pick of `count` rows: the same rows on every run over the same file. */
function sample(rows: Example[], count: number, seed: number): Example[] {
  const keyed = rows.map((row, i) => ({ row, key: Math.sin(seed * 9973 + i * 7919) }));
  return keyed
    .sort((a, b) => a.key - b.key)
    .slice(0, count)
    .map(({ row }) => row);
}
