import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { z } from 'zod';
import { repoRoot } from '@app/contracts';

const cueFileSchema = z.object({ $comment: z.string().optional() }).catchall(z.array(z.string().min(1)));

/**
 * The cues that make a toxicity score believable (data/abuse-cues.json): the message speaks to
 * someone, swears, or uses an abusive word. The trained head alone also fires on benign lines
 * ("be honest"); with a cue required, false alarms on held-out benign chat fall (docs/models.md).
 */
export class AbuseCues {
  /** The `address` list: speaking to someone. */
  private readonly address: RegExp;
  /** Every other list: an abusive word whoever it is said to. */
  private readonly insultWords: RegExp;
  private readonly profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

  constructor(lists: Record<string, string[]>) {
    const named = Object.entries(lists).filter(([name]) => !name.startsWith('$'));
    // An empty list matches nothing (an empty alternation would match everything).
    const words = (list: string[]) =>
      list.length === 0
        ? /(?!)/
        : new RegExp(`(?<![\\p{L}'])(?:${list.map((w) => w.replace(/\s+/g, '\\s+')).join('|')})(?![\\p{L}])`, 'iu');
    this.address = words(named.filter(([name]) => name === 'address').flatMap(([, list]) => list));
    this.insultWords = words(named.filter(([name]) => name !== 'address').flatMap(([, list]) => list));
  }

  static load(path = join(repoRoot(), 'apps', 'selector', 'data', 'abuse-cues.json')): AbuseCues {
    return new AbuseCues(cueFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) as Record<string, string[]>);
  }

  /** The message has a cue of abuse. */
  present(text: string): boolean {
    return this.addresses(text) || this.insults(text);
  }

  /** The message speaks to someone (the `address` list: the second person, the bot's name). */
  addresses(text: string): boolean {
    return this.address.test(text);
  }

  /** The message has an abusive word or swears (speaking to someone alone is not enough). */
  insults(text: string): boolean {
    return this.insultWords.test(text) || this.profanity.hasMatch(text);
  }
}
