import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@app/contracts';

/** Values for a line's {slots}; a line with a slot that has no value is not used. */
export type SlotValues = Partial<
  Record<
    | 'name'
    | 'mention'
    | 'person'
    | 'pet'
    | 'place'
    | 'thing'
    | 'relation'
    | 'recall'
    | 'echo'
    | 'subject'
    | 'choice'
    | 'given'
    | 'whose'
    | 'liked'
    | 'favourite'
    | 'pick'
    | 'time'
    | 'date'
    | 'weekday'
    | 'christmas',
    string
  >
>;

/** A line chosen for a template key; `lineId` (key#index) is remembered in the turn for variety. */
export interface Realized {
  text: string;
  lineId: string;
}

const SLOT = /\{([a-z]+)\}/g;

/**
 * The bot's canned lines by template key (data/replies.json), so writers edit data, not code. A
 * line is used only when all its slots can be filled, and lines said in the conversation's recent
 * turns are skipped while there are others: variety within a conversation.
 */
export class ReplyTemplates {
  constructor(private readonly lines: Record<string, string[]>) {
    for (const [key, options] of Object.entries(lines)) {
      if (!key.startsWith('$') && (!Array.isArray(options) || options.length === 0)) throw new Error(`template ${key} has no lines`);
    }
  }

  static load(path = join(repoRoot(), 'apps', 'selector', 'data', 'replies.json')): ReplyTemplates {
    return new ReplyTemplates(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>);
  }

  has(key: string): boolean {
    return !key.startsWith('$') && Object.hasOwn(this.lines, key) && Array.isArray(this.lines[key]) && this.lines[key].length > 0;
  }

  keys(): string[] {
    return Object.keys(this.lines).filter((key) => this.has(key));
  }

  /**
   * A line of `key` with every slot filled, preferring one not in `recent`; the seed (what was said, and at which turn)
   * picks among the candidates, so a replay picks the same line. Undefined when no line can be filled.
   */
  realize(key: string, slots: SlotValues, recent: ReadonlySet<string>, seed: string): Realized | undefined {
    if (!this.has(key)) return undefined;
    const fillable = this.lines[key]
      .map((line, index) => ({ line, lineId: `${key}#${index}` }))
      .filter(({ line }) => [...line.matchAll(SLOT)].every(([, slot]) => Boolean(slots[slot as keyof SlotValues])));
    if (fillable.length === 0) return undefined;
    const fresh = fillable.filter(({ lineId }) => !recent.has(lineId));
    const pool = fresh.length > 0 ? fresh : fillable;
    const { line, lineId } = pool[hash(seed) % pool.length];
    return { text: line.replace(SLOT, (_, slot: string) => slots[slot as keyof SlotValues]!), lineId };
  }
}

/** FNV-1a: a cheap, stable string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
