import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@app/contracts';

/** Canned lines by reply key, loaded from templates/replies.json so writers edit data, not code. */
export class ReplyTemplates {
  constructor(private readonly lines: Record<string, string[]>) {
    for (const [key, options] of Object.entries(lines)) {
      if (!key.startsWith('$') && (!Array.isArray(options) || options.length === 0)) throw new Error(`template ${key} has no lines`);
    }
  }

  static load(path = join(repoRoot(), 'apps', 'selector', 'templates', 'replies.json')): ReplyTemplates {
    return new ReplyTemplates(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>);
  }

  has(key: string): boolean {
    return !key.startsWith('$') && Object.hasOwn(this.lines, key) && Array.isArray(this.lines[key]) && this.lines[key].length > 0;
  }

  /** A line for the key, varied by a seed (the message id) so replays pick the same line. */
  pick(key: string, seed: string): string {
    if (!this.has(key)) throw new Error(`no template ${key}`);
    const options = this.lines[key];
    return options[hash(seed) % options.length];
  }
}

/** FNV-1a: a cheap, stable string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
