import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from '@app/contracts';

const topicFileSchema = z.object({
  $comment: z.string().optional(),
  relations: z.array(z.string().min(1)),
  topics: z
    .array(
      z
        .object({
          name: z.string().regex(/^[a-z_]+$/),
          heavy: z.boolean().optional(),
          /** News good enough to move on from a heavy topic: "anyway my sister had her baby tonight!!" after a letdown. */
          goodNews: z.boolean().optional(),
          /** Heavy news that does not get better (a pregnancy lost, a grandparent who no longer knows you): only words that say all is well end it. */
          lasting: z.boolean().optional(),
          aboutBot: z.boolean().optional(),
          /** Asks for another of what the bot just gave ("seen it. another one?"): the composer gives it the last turn's topic. */
          more: z.boolean().optional(),
          patterns: z.array(z.string().min(1)).min(1),
          /** Not this topic when one of these matches too: "my sourdough starter ... i think he's dying" is not a death. */
          unless: z.array(z.string().min(1)).optional(),
        })
        .strict(),
    )
    .min(1),
});

export type TopicFile = z.infer<typeof topicFileSchema>;

/** What one message is about, and the relation it names ("my grandma" → grandma). */
export interface Spotted {
  topic?: string;
  relation?: string;
}

/**
 * Spots what a message is about from its words (data/topics.json): the first topic whose pattern
 * matches wins, so the file's order is the priority. Cheap and predictable, which is what the
 * always-on-time canned path needs; the NLU models say how the user feels, this says about what.
 */
export class TopicSpotter {
  private readonly topics: {
    name: string;
    heavy: boolean;
    goodNews: boolean;
    lasting: boolean;
    aboutBot: boolean;
    more: boolean;
    patterns: RegExp[];
    unless: RegExp[];
  }[];
  private readonly relation: RegExp;

  constructor(file: TopicFile) {
    this.topics = file.topics.map((t) => {
      const compile = (p: string) => {
        try {
          return new RegExp(p, 'i');
        } catch (error) {
          throw new Error(`topics: ${t.name} has a bad pattern ${p}: ${(error as Error).message}`);
        }
      };
      return {
        name: t.name,
        heavy: t.heavy ?? false,
        goodNews: t.goodNews ?? false,
        lasting: t.lasting ?? false,
        aboutBot: t.aboutBot ?? false,
        more: t.more ?? false,
        patterns: t.patterns.map(compile),
        unless: (t.unless ?? []).map(compile),
      };
    });
    // Longest first, so "best friend" wins over "friend".
    const relations = [...file.relations].sort((a, b) => b.length - a.length).map((r) => r.replace(/\s+/g, '\\s+'));
    this.relation = new RegExp(`\\bmy\\s+(?:(?:little|big|older|younger|baby|old|new|sweet|late)\\s+)?(${relations.join('|')})\\b`, 'i');
  }

  static load(path = join(repoRoot(), 'apps', 'selector', 'data', 'topics.json')): TopicSpotter {
    return new TopicSpotter(topicFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))));
  }

  /** What `text` is about; in a question about the bot (`aboutBot`) its own topics come first, elsewhere they are never spotted. */
  spot(text: string, aboutBot = false): Spotted {
    const order = aboutBot
      ? [...this.topics.filter((t) => t.aboutBot), ...this.topics.filter((t) => !t.aboutBot)]
      : this.topics.filter((t) => !t.aboutBot);
    const topic = order.find((t) => t.patterns.some((p) => p.test(text)) && !t.unless.some((p) => p.test(text)))?.name;
    const relation = text.match(this.relation)?.[1]?.toLowerCase().replace(/\s+/g, ' ');
    return { ...(topic ? { topic } : {}), ...(relation ? { relation } : {}) };
  }

  /** Topics that colour the turns after them (grief, illness, a breakup): the bot stays gentle. */
  isHeavy(topic: string): boolean {
    return this.topics.some((t) => t.name === topic && t.heavy);
  }

  /** Good news (a birth, a promotion, a recovery): it moves on from a heavy topic however the sentiment model reads it. */
  isGoodNews(topic: string): boolean {
    return this.topics.some((t) => t.name === topic && t.goodNews);
  }

  /** Heavy news that does not get better: a positive reading on the turns after is coping, not news that all is well. */
  isLasting(topic: string): boolean {
    return this.topics.some((t) => t.name === topic && t.lasting);
  }

  /** A request for another of the same ("another one?", "something else?"), about whatever the bot just answered. */
  asksForMore(topic: string): boolean {
    return this.topics.some((t) => t.name === topic && t.more);
  }

  names(): string[] {
    return this.topics.map((t) => t.name);
  }
}
