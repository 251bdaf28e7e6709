import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplyTemplates } from './reply-templates';
import { decide } from './response-policy';

describe('ReplyTemplates', () => {
  describe('the real templates file', () => {
    const templates = ReplyTemplates.load();
    const raw = jest.requireActual<Record<string, unknown>>('../../templates/replies.json');
    const keys = Object.keys(raw).filter((key) => !key.startsWith('$'));

    it('has templates', () => {
      expect(keys.length).toBeGreaterThan(0);
    });

    it('gives every key at least one non-empty line', () => {
      for (const key of keys) {
        expect(Array.isArray(raw[key])).toBe(true);
        const lines = raw[key] as unknown[];
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) {
          expect(typeof line).toBe('string');
          expect((line as string).trim().length).toBeGreaterThan(0);
        }
        expect(templates.has(key)).toBe(true);
      }
    });

    it.each(['positive', 'negative', 'neutral'])('has the key the policy picks for a confident %s sentiment', (label) => {
      const { templateKey } = decide({ messageId: 'm', text: 't', nlu: { sentiment: { label, score: 0.99 } }, candidates: {}, missed: [] });
      expect(templateKey).toBe(`mood.${label}`);
      expect(templates.has(templateKey!)).toBe(true);
    });

    it('has the fallback key the policy picks when nothing arrived', () => {
      const { templateKey } = decide({ messageId: 'm', text: 't', nlu: {}, candidates: {}, missed: ['nlu:sentiment'] });
      expect(templateKey).toBe('fallback.no_signal');
      expect(templates.has(templateKey!)).toBe(true);
    });

    it('does not count $-prefixed comment entries as templates', () => {
      expect(templates.has('$comment')).toBe(false);
    });

    it('picks a line of the key, the same one for the same seed', () => {
      for (const key of keys) {
        const line = templates.pick(key, 'msg-123');
        expect(raw[key]).toContain(line);
        expect(templates.pick(key, 'msg-123')).toBe(line);
      }
    });

    it('varies the line across seeds, reaching every line of a key', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) seen.add(templates.pick('mood.positive', `message-${i}`));
      expect([...seen].sort()).toEqual([...(raw['mood.positive'] as string[])].sort());
    });

    it('throws for an unknown key', () => {
      expect(() => templates.pick('mood.ecstatic', 'seed')).toThrow('no template mood.ecstatic');
      expect(templates.has('mood.ecstatic')).toBe(false);
    });

    // BUG (minor): pick() (reply-templates.ts line 24-25) only checks `options?.length`, so it
    // does not refuse keys that has() refuses: '$comment' is a string in the real file, and pick()
    // returns one character of it instead of throwing; an inherited key such as 'constructor'
    // (Object, length 1) returns undefined. The selector guards with has() today, but any other
    // caller gets garbage. Fix: `if (!this.has(key)) throw new Error(`no template ${key}`)`
    // (and use Object.hasOwn in has()).
    it('refuses in pick() the keys that has() refuses ($comment, inherited names)', () => {
      expect(() => templates.pick('$comment', 'seed')).toThrow('no template $comment');
      expect(() => templates.pick('constructor', 'seed')).toThrow('no template constructor');
    });
  });

  it('is deterministic: a known seed picks a fixed line (FNV-1a)', () => {
    const lines = ['zero', 'one', 'two', 'three', 'four'];
    const templates = new ReplyTemplates({ k: lines });
    // FNV-1a('') = 0x811c9dc5 = 2166136261; 2166136261 % 5 = 1
    expect(templates.pick('k', '')).toBe('one');
    // FNV-1a('a') = 0xe40c292c = 3826002220; 3826002220 % 5 = 0
    expect(templates.pick('k', 'a')).toBe('zero');
  });

  it('returns the only line of a one-line key whatever the seed', () => {
    const templates = new ReplyTemplates({ k: ['only'] });
    for (const seed of ['', 'a', 'b', '😀', 'x'.repeat(1000)]) expect(templates.pick('k', seed)).toBe('only');
  });

  it('refuses a template with no lines', () => {
    expect(() => new ReplyTemplates({ good: ['x'], bad: [] })).toThrow('template bad has no lines');
    expect(() => new ReplyTemplates({ bad: 'not a list' as unknown as string[] })).toThrow('template bad has no lines');
  });

  it('accepts $-prefixed entries of any shape', () => {
    expect(() => new ReplyTemplates({ $comment: 'notes' as unknown as string[], $empty: [], k: ['x'] })).not.toThrow();
  });

  describe('load()', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'templates-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a given file', () => {
      const path = join(dir, 'replies.json');
      writeFileSync(path, JSON.stringify({ hello: ['hi there'] }));
      expect(ReplyTemplates.load(path).pick('hello', 'x')).toBe('hi there');
    });

    it('refuses a file with an empty template', () => {
      const path = join(dir, 'replies.json');
      writeFileSync(path, JSON.stringify({ hello: [] }));
      expect(() => ReplyTemplates.load(path)).toThrow('template hello has no lines');
    });
  });
});
