import { AssignerProtocol } from 'kafkajs';
import { CoPartitionedAssigner, assignCoPartitioned } from './co-partitioned-assigner';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const TOPICS = ['chat.messages', 'nlu.results', 'chat.candidates'];
const topics = (partitions: number[]) => TOPICS.map((topic) => ({ topic, partitions }));

/** Which member got each (topic, partition). */
function owners(plan: Record<string, Record<string, number[]>>): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const [member, assignment] of Object.entries(plan)) {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const p of partitions) seen.set(`${topic}/${p}`, [...(seen.get(`${topic}/${p}`) ?? []), member]);
    }
  }
  return seen;
}

describe('assignCoPartitioned', () => {
  it.each([
    [1, 12],
    [2, 12],
    [3, 12],
    [5, 12],
    [12, 12],
    [7, 3],
  ])('with %i members and %i partitions, gives partition p of every topic to the same member', (members, partitions) => {
    const memberIds = range(members).map((i) => `member-${i}`);
    const plan = assignCoPartitioned(memberIds, topics(range(partitions)));
    const seen = owners(plan);

    // Every partition of every topic exactly once.
    expect(seen.size).toBe(TOPICS.length * partitions);
    for (const owner of seen.values()) expect(owner).toHaveLength(1);

    // Co-partitioning: the same owner for p across topics.
    for (const p of range(partitions)) {
      const byTopic = TOPICS.map((topic) => seen.get(`${topic}/${p}`)![0]);
      expect(new Set(byTopic).size).toBe(1);
    }

    // Balanced: per topic, member loads differ by at most one; nobody but the members gets work.
    for (const topic of TOPICS) {
      const loads = memberIds.map((m) => plan[m]?.[topic]?.length ?? 0);
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      expect(loads.reduce((a, b) => a + b, 0)).toBe(partitions);
    }
    expect(Object.keys(plan).every((m) => memberIds.includes(m))).toBe(true);
  });

  it('assigns p mod n in the given member order, with sorted partition lists', () => {
    const plan = assignCoPartitioned(['a', 'b', 'c'], [{ topic: 't', partitions: [5, 0, 3, 1, 4, 2] }]);
    expect(plan).toEqual({ a: { t: [0, 3] }, b: { t: [1, 4] }, c: { t: [2, 5] } });
  });

  it('does not reorder the caller’s partition list', () => {
    const partitions = [2, 0, 1];
    assignCoPartitioned(['a'], [{ topic: 't', partitions }]);
    expect(partitions).toEqual([2, 0, 1]);
  });

  it('leaves members beyond the partition count without an entry', () => {
    const plan = assignCoPartitioned(['a', 'b', 'c'], [{ topic: 't', partitions: [0, 1] }]);
    expect(plan).toEqual({ a: { t: [0] }, b: { t: [1] } });
  });

  it('returns an empty plan with no members', () => {
    expect(assignCoPartitioned([], topics(range(12)))).toEqual({});
  });

  it('returns an empty plan with no topics', () => {
    expect(assignCoPartitioned(['a', 'b'], [])).toEqual({});
  });
});

describe('CoPartitionedAssigner', () => {
  const cluster = {
    findTopicPartitionMetadata: () => range(4).map((partitionId) => ({ partitionId })),
  };
  const assigner = CoPartitionedAssigner({ cluster } as never);

  it('names itself and encodes its subscription', () => {
    expect(assigner.name).toBe('CoPartitionedAssigner');
    expect(assigner.version).toBe(1);
    const { name, metadata } = assigner.protocol({ topics: TOPICS });
    expect(name).toBe('CoPartitionedAssigner');
    expect(AssignerProtocol.MemberMetadata.decode(metadata)).toMatchObject({ version: 1, topics: TOPICS });
  });

  it('assigns by sorted member id, whatever order members arrive in, and answers every member', async () => {
    const members = ['m-c', 'm-a', 'm-b', 'm-d', 'm-e'].map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) }));
    const result = await assigner.assign({ members, topics: TOPICS } as never);
    expect(result.map((r) => r.memberId)).toEqual(['m-a', 'm-b', 'm-c', 'm-d', 'm-e']);
    const decoded = Object.fromEntries(
      result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]),
    );
    const expected = (p: number[]) => Object.fromEntries(TOPICS.map((t) => [t, p]));
    expect(decoded).toEqual({ 'm-a': expected([0]), 'm-b': expected([1]), 'm-c': expected([2]), 'm-d': expected([3]), 'm-e': {} });
  });
});
