import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A situation that no one generic reaction fits (a request to the bot, a food debate, mixed news). */
export const NO_TONE = 'none';

const situationSchema = z
  .object({
    name: z.string().min(1),
    prompts: z.array(z.string().min(1)).min(1),
    replies: z.array(z.string().min(1)).min(1),
    /** How a friend reacts to any message like these, in one word of `tones` (or "none"). */
    tone: z.string().min(1).optional(),
  })
  .strict();

/**
 * The house reactions file: situations people describe in small talk (example messages and replies
 * written for them) and, per reaction tone, lines that fit any situation of that tone ("Ugh, the
 * audacity." for a bus driving past as for a car alarm at 6am), with more example messages per tone.
 */
const reactionsSchema = z
  .object({
    $comment: z.string().optional(),
    tones: z.record(z.string(), z.array(z.string().min(1)).min(2)).default({}),
    /**
     * Per tone, lines for a story that goes on ("Of course. The universe committed to the bit today."
     * to the library book ruined after the spilled latte): the next message carries details, not the
     * feeling, so the tone is the one its opening message had.
     */
    continuations: z.record(z.string(), z.array(z.string().min(1)).min(2)).default({}),
    /**
     * Lines that fit either of two tones, keyed by the two names in alphabetical order joined by "+"
     * ("annoyed+funny": "Hilarious and infuriating in equal measure."): for a message the tone model
     * reads as one of the two without being sure which. Only pairs a line can honestly fit are here
     * (no "unlucky+win": a line cannot be both sorry and glad).
     */
    pairs: z.record(z.string(), z.array(z.string().min(1)).min(2)).default({}),
    /** Messages written for a tone alone (no reply of their own): more examples for the tone vote. */
    toneExamples: z.record(z.string(), z.array(z.string().min(1))).default({}),
    situations: z.array(situationSchema).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    for (const tone of Object.keys(file.continuations))
      if (!file.tones[tone]) ctx.addIssue({ code: 'custom', path: ['continuations', tone], message: `tone ${tone} has no lines in tones` });
    for (const pair of Object.keys(file.pairs)) {
      const tones = pair.split('+');
      if (tones.length !== 2 || tones.some((tone) => !file.tones[tone]) || pairKey(tones[0], tones[1]) !== pair)
        ctx.addIssue({ code: 'custom', path: ['pairs', pair], message: 'a pair is two tones with lines, in alphabetical order, joined by "+"' });
    }
    for (const tone of Object.keys(file.toneExamples))
      if (tone !== NO_TONE && !file.tones[tone]) ctx.addIssue({ code: 'custom', path: ['toneExamples', tone], message: `tone ${tone} has no lines in tones` });
    file.situations.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['situations', i, 'name'], message: `situation ${s.name} appears twice` });
      names.add(s.name);
      if (s.tone && s.tone !== NO_TONE && !file.tones[s.tone])
        ctx.addIssue({ code: 'custom', path: ['situations', i, 'tone'], message: `tone ${s.tone} has no lines in tones` });
    });
  });

/** The pairs key of two tones: "annoyed+funny" for either order. */
export const pairKey = (a: string, b: string): string => [a, b].sort().join('+');

export type Situation = z.infer<typeof situationSchema>;
export type Reactions = z.infer<typeof reactionsSchema>;

/** Parses a reactions file, naming the file and the first problem when it is malformed. */
export function parseReactions(text: string, file = 'reactions'): Reactions {
  const parsed = reactionsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export function readReactions(file: string): Reactions {
  return parseReactions(readFileSync(file, 'utf8'), file);
}

/** Each example message of each situation paired with one of its replies in turn, so near neighbours offer different lines. */
export function situationPairs(situations: Situation[]): { prompt: string; reply: string; tone?: string }[] {
  return situations.flatMap((s) => s.prompts.map((prompt, i) => ({ prompt, reply: s.replies[i % s.replies.length], ...(s.tone ? { tone: s.tone } : {}) })));
}

/** A toned example message near the user's message: its tone and how close (cosine) it is. */
export interface ToneNeighbour {
  tone: string;
  score: number;
}

export interface ToneVote {
  tone: string;
  /** The winner's share of the neighbours' weight times the closest winner's similarity, in [0, 1]. */
  score: number;
  share: number;
}

/**
 * The reaction tone the nearest toned example messages agree on. Each neighbour at least
 * `minSimilarity` close votes for its tone with its similarity; the winner's score is its share of
 * the votes times its closest neighbour's similarity, so a tone wins clearly only when many close
 * examples read the same way. "none" can win (nothing to react to). (Counting a situation's
 * examples once, with the closest, was tried: fewer right reactions on every evaluation set.)
 */
export function voteTone(neighbours: ToneNeighbour[], minSimilarity: number): ToneVote | undefined {
  const near = neighbours.filter((n) => n.score >= minSimilarity);
  if (near.length === 0) return undefined;
  const weight = new Map<string, number>();
  const closest = new Map<string, number>();
  for (const n of near) {
    weight.set(n.tone, (weight.get(n.tone) ?? 0) + n.score);
    closest.set(n.tone, Math.max(closest.get(n.tone) ?? 0, n.score));
  }
  const total = [...weight.values()].reduce((a, b) => a + b, 0);
  const [tone, w] = [...weight.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
  const share = w / total;
  return { tone, share, score: Math.max(0, Math.min(1, share * closest.get(tone)!)) };
}
