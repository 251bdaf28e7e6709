import { DEFAULT_PARTITIONS, Topic, TopicNames, topicSpecs } from './topics';

describe('topics', () => {
  it('has the documented logical names', () => {
    expect(Topic).toEqual({
      messages: 'chat.messages',
      nluResults: 'nlu.results',
      candidates: 'chat.candidates',
      replies: 'chat.replies',
      outcomes: 'chat.outcomes',
      conversations: 'chat.conversations',
      dlq: 'chat.dlq',
    });
  });

  describe('topicSpecs', () => {
    it('describes every topic once', () => {
      const specs = topicSpecs();
      expect(specs.map((s) => s.name).sort()).toEqual(Object.values(Topic).sort());
      for (const spec of specs) {
        expect(spec.partitions).toBeGreaterThan(0);
        if (spec.cleanupPolicy === 'delete') expect(spec.retentionMs).toBeGreaterThan(0);
        expect(spec.purpose.length).toBeGreaterThan(0);
      }
    });

    it('compacts only the conversation state changelog, which never ages out', () => {
      const compacted = topicSpecs().filter((s) => s.cleanupPolicy === 'compact');
      expect(compacted.map((s) => [s.name, s.retentionMs])).toEqual([[Topic.conversations, -1]]);
    });

    it('co-partitions the selector inputs with the requested count (12 by default)', () => {
      expect(DEFAULT_PARTITIONS).toBe(12);
      for (const count of [undefined, 1, 6]) {
        const specs = topicSpecs(count);
        const inputs = specs.filter((s) =>
          [Topic.messages, Topic.nluResults, Topic.candidates, Topic.conversations].includes(s.name as never),
        );
        expect(inputs).toHaveLength(4);
        expect(new Set(inputs.map((s) => s.partitions))).toEqual(new Set([count ?? 12]));
      }
    });

    it('keeps the dead-letter topic small and long-lived', () => {
      const dlq = topicSpecs(24).find((s) => s.name === Topic.dlq)!;
      expect(dlq.partitions).toBe(3);
      expect(dlq.retentionMs).toBe(14 * 24 * 3_600_000);
    });
  });

  describe('TopicNames', () => {
    const names = new TopicNames('stack-a.');

    it('prefixes deployed topic names and consumer groups', () => {
      expect(names.prefix).toBe('stack-a.');
      expect(names.of(Topic.messages)).toBe('stack-a.chat.messages');
      expect(names.of(Topic.nluResults)).toBe('stack-a.nlu.results');
      expect(names.group('selector')).toBe('stack-a.selector');
    });

    it('maps deployed names back to logical ones', () => {
      for (const topic of Object.values(Topic)) expect(names.logical(names.of(topic))).toBe(topic);
    });

    it.each([
      ['an unprefixed name', 'chat.messages'],
      ['another prefix', 'stack-b.chat.messages'],
      ['an unknown topic under our prefix', 'stack-a.chat.unknown'],
      ['the bare prefix', 'stack-a.'],
      ['a longer name under our prefix', 'stack-a.chat.messages.extra'],
      ['a doubled prefix', 'stack-a.stack-a.chat.messages'],
    ])('returns undefined for %s', (_name, deployed) => {
      expect(names.logical(deployed)).toBeUndefined();
    });

    it('works with an empty prefix', () => {
      const plain = new TopicNames('');
      expect(plain.of(Topic.replies)).toBe('chat.replies');
      expect(plain.group('gateway-1')).toBe('gateway-1');
      expect(plain.logical('chat.replies')).toBe(Topic.replies);
      expect(plain.logical('stack-a.chat.replies')).toBeUndefined();
    });
  });
});
