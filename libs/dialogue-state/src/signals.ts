import type { NluSummary } from '@app/contracts';

/** A mention as the NLU entities task reports it. */
export interface EntityMention {
  kind: 'person' | 'place' | 'organization' | 'pet' | 'thing';
  text: string;
}

/**
 * What the policy and the dialogue state use of one message's NLU results: the best label of each
 * task that answered in time, and the entities. A task that did not answer is simply absent.
 */
export interface Signals {
  intent?: { label: string; score: number };
  emotion?: { label: string; score: number };
  /** Ekman roll-up of the emotion task (anger, joy, sadness, …). */
  ekman?: { label: string; score: number };
  sentiment?: { label: string; score: number };
  /** Probability the message is toxic; undefined when the task did not answer. */
  toxicity?: number;
  dialogAct?: { label: string; score: number };
  language?: { label: string; score: number };
  entities: EntityMention[];
}

const MENTION_KINDS = new Set(['person', 'place', 'organization', 'pet', 'thing']);

export function signalsFrom(nlu: NluSummary[]): Signals {
  const best = (task: string) => {
    const found = nlu.find((n) => n.task === task);
    return found ? { label: found.label, score: found.score } : undefined;
  };
  const toxicity = nlu.find((n) => n.task === 'toxicity');
  const emotion = nlu.find((n) => n.task === 'emotion');
  const ekman = emotion?.groups.find((g) => g.name === 'ekman')?.labels[0];
  const entities = nlu.find((n) => n.task === 'entities');
  return {
    intent: best('intent'),
    emotion: best('emotion'),
    ekman: ekman ? { label: ekman.name, score: ekman.score } : undefined,
    sentiment: best('sentiment'),
    toxicity: toxicity
      ? (toxicity.labels.find((l) => l.name === 'toxic')?.score ?? (toxicity.label === 'toxic' ? toxicity.score : 0))
      : undefined,
    dialogAct: best('dialog_act'),
    language: best('language'),
    entities: (entities?.labels ?? [])
      .filter((l) => MENTION_KINDS.has(l.name) && l.text)
      .map((l) => ({ kind: l.name as EntityMention['kind'], text: l.text })),
  };
}
