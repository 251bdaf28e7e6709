import { AssignerProtocol } from 'kafkajs';
import { ownedPartitions, planCoPartitioned, stickyCoPartitionedAssigner } from './co-partitioned-assigner';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const TOPICS = ['chat.messages', 'nlu.results', 'chat.candidates'];

/** A seeded generator (mulberry32), so that the random cases are the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const shuffled = <T>(items: T[], next: () => number): T[] =>
  items
    .map((item) => ({ item, key: next() }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);
/** Member ids that do not sort in the order they are made, like kafkajs's clientId-uuid ids. */
const memberIds = (n: number, next: () => number) => range(n).map(() => `selector-${Math.floor(next() * 1e9).toString(36)}`);

/** Plans from member → partitions it owned, over partitions 0..P-1. */
const planFrom = (owned: Record<string, number[]>, partitions: number) =>
  planCoPartitioned(
    Object.entries(owned).map(([memberId, p]) => ({ memberId, owned: p })),
    range(partitions),
  );
/** A plan with nothing owned before: members given without claims. */
const fresh = (ids: string[], partitions: number) => planFrom(Object.fromEntries(ids.map((id) => [id, []])), partitions);

function ownerOf(plan: Record<string, number[]>): Map<number, string> {
  const owners = new Map<number, string>();
  for (const [member, partitions] of Object.entries(plan)) for (const p of partitions) owners.set(p, member);
  return owners;
}
/** Partitions whose owner differs between two plans. */
function moved(before: Record<string, number[]>, after: Record<string, number[]>): number[] {
  const was = ownerOf(before);
  return [...ownerOf(after)].filter(([p, owner]) => was.get(p) !== owner).map(([p]) => p);
}
function expectBalancedCover(plan: Record<string, number[]>, ids: string[], partitions: number): void {
  expect(Object.keys(plan).sort()).toEqual([...ids].sort());
  const all = Object.values(plan).flat();
  expect(all.sort((a, b) => a - b)).toEqual(range(partitions)); // every partition exactly once
  for (const id of ids) {
    expect(plan[id].length).toBeGreaterThanOrEqual(Math.floor(partitions / ids.length));
    expect(plan[id].length).toBeLessThanOrEqual(Math.ceil(partitions / ids.length));
  }
}

describe('planCoPartitioned', () => {
  const combos: [number, number][] = [];
  for (const n of [1, 2, 3, 4, 5, 7, 11, 12, 13]) for (const p of [1, 2, 3, 12, 24, 36, 64]) combos.push([n, p]);

  it.each(combos)('with no previous owners, %i members over %i partitions get p mod n over sorted ids', (n, partitions) => {
    const ids = memberIds(n, random(n * 100 + partitions));
    const sorted = [...ids].sort();
    const expected = Object.fromEntries(sorted.map((id, i) => [id, range(partitions).filter((p) => p % n === i)]));
    expect(fresh(ids, partitions)).toEqual(expected);
  });

  it.each(combos)(
    'with %i members over %i partitions and arbitrary claims, is balanced and covers every partition once',
    (n, partitions) => {
      for (const seed of range(5)) {
        const next = random(seed * 1000 + n * 100 + partitions);
        const ids = memberIds(n, next);
        // Overlapping, lopsided, out-of-range and duplicated claims.
        const owned = Object.fromEntries(
          ids.map((id) => [id, range(Math.floor(next() * (partitions + 4))).map(() => Math.floor(next() * (partitions + 3)))]),
        );
        expectBalancedCover(planFrom(owned, partitions), ids, partitions);
      }
    },
  );

  it('scaling 3 → 4 members over 12 partitions moves exactly 3 partitions, all to the newcomer', () => {
    const before = fresh(['a', 'b', 'c'], 12);
    const after = planFrom({ ...before, d: [] }, 12);
    expect(moved(before, after)).toHaveLength(3);
    expect(moved(before, after).every((p) => after.d.includes(p))).toBe(true);
    expect(after).toEqual({ a: [0, 3, 6], b: [1, 4, 7], c: [2, 5, 8], d: [9, 10, 11] });
  });

  it('scaling 4 → 3 members over 12 partitions moves only the leaving member’s partitions', () => {
    const before = fresh(['a', 'b', 'c', 'd'], 12);
    const { b: _left, ...staying } = before;
    const after = planFrom(staying, 12);
    expect(moved(before, after).sort((x, y) => x - y)).toEqual(before.b);
    expectBalancedCover(after, ['a', 'c', 'd'], 12);
  });

  it.each([12, 24, 36])(
    'scaling 2 → 12 → 2 replicas one at a time over %i partitions moves only what the newcomer or leaver must',
    (partitions) => {
      const next = random(partitions);
      let ids = memberIds(2, next);
      let plan = fresh(ids, partitions);
      const steps = [...range(10).map(() => 'up' as const), ...range(10).map(() => 'down' as const)];
      for (const step of steps) {
        if (step === 'up') {
          const newcomer = memberIds(1, next)[0];
          const after = planFrom({ ...plan, [newcomer]: [] }, partitions);
          // Nothing moves between members that stay; the newcomer gets its share and no more.
          expect(moved(plan, after).sort((a, b) => a - b)).toEqual(after[newcomer]);
          ids = [...ids, newcomer];
          plan = after;
        } else {
          const leaver = ids[Math.floor(next() * ids.length)];
          ids = ids.filter((id) => id !== leaver);
          const after = planFrom(Object.fromEntries(ids.map((id) => [id, plan[id]])), partitions);
          expect(moved(plan, after).sort((a, b) => a - b)).toEqual(plan[leaver]);
          plan = after;
        }
        expectBalancedCover(plan, ids, partitions);
      }
    },
  );

  it('has a member over its quota give up its highest-numbered partitions', () => {
    expect(planFrom({ a: range(6), b: [] }, 6)).toEqual({ a: [0, 1, 2], b: [3, 4, 5] });
  });

  it('gives a partition claimed twice to one member: the one with fewer claims', () => {
    expect(planFrom({ a: range(6), b: [0] }, 6)).toEqual({ a: [1, 2, 3], b: [0, 4, 5] });
    // Equal claims: the lower id keeps it, and the other still gets its share.
    expect(planFrom({ b: [0, 1], a: [0, 1] }, 4)).toEqual({ a: [0, 1], b: [2, 3] });
  });

  it('resolves a stale member claiming partitions that others took over, keeping balance', () => {
    // c was dropped from the group; a and b took its partitions, then c came back still claiming them.
    const plan = planFrom({ a: [0, 3, 6, 9, 2, 8], b: [1, 4, 7, 10, 5, 11], c: [2, 5, 8, 11] }, 12);
    expectBalancedCover(plan, ['a', 'b', 'c'], 12);
    expect(plan).toEqual({ a: [0, 3, 6, 9], b: [1, 4, 7, 10], c: [2, 5, 8, 11] });
  });

  it('gives the same plan whatever order members and their claims arrive in', () => {
    const next = random(7);
    const ids = memberIds(5, next);
    const claims = ids.map((memberId) => ({ memberId, owned: range(8).map(() => Math.floor(next() * 24)) }));
    const expected = planCoPartitioned(claims, range(24));
    for (const _ of range(20)) {
      const reordered = shuffled(claims, next).map(({ memberId, owned }) => ({ memberId, owned: shuffled(owned, next) }));
      const plan = planCoPartitioned(reordered, shuffled(range(24), next));
      expect(JSON.stringify(plan)).toBe(JSON.stringify(expected));
    }
  });

  it('ignores claims on partitions that do not exist', () => {
    expect(planFrom({ a: [7, 9], b: [1] }, 2)).toEqual({ a: [0], b: [1] });
  });

  it('does not change the caller’s lists', () => {
    const partitions = [2, 0, 1];
    const owned = [1, 0];
    planCoPartitioned([{ memberId: 'a', owned }], partitions);
    expect(partitions).toEqual([2, 0, 1]);
    expect(owned).toEqual([1, 0]);
  });

  it('leaves members beyond the partition count with nothing', () => {
    expect(fresh(['a', 'b', 'c'], 2)).toEqual({ a: [0], b: [1], c: [] });
  });

  it('returns an empty plan with no members, and empty lists with no partitions', () => {
    expect(fresh([], 12)).toEqual({});
    expect(fresh(['a', 'b'], 0)).toEqual({ a: [], b: [] });
  });
});

describe('ownedPartitions', () => {
  it('reads a GROUP_JOIN memberAssignment as sorted partition numbers', () => {
    expect(ownedPartitions({ 'dev.chat.messages': [3, 0], 'dev.nlu.results': [0, 3], 'dev.chat.candidates': [] })).toEqual([0, 3]);
    expect(ownedPartitions({})).toEqual([]);
  });
});

describe('stickyCoPartitionedAssigner', () => {
  const clusterOf = (partitions: Record<string, number>) => ({
    findTopicPartitionMetadata: (topic: string) => range(partitions[topic]).map((partitionId) => ({ partitionId })),
  });
  const cluster12 = clusterOf(Object.fromEntries(TOPICS.map((t) => [t, 12])));
  const newLogger = () => ({ warn: jest.fn(), info: jest.fn(), error: jest.fn(), debug: jest.fn() });

  /** One consumer: its assigner, and the partitions it was last given (what GROUP_JOIN would report). */
  function consumer(memberId: string, cluster = cluster12) {
    const state = { memberId, owned: [] as number[], logger: newLogger() };
    const assigner = stickyCoPartitionedAssigner(() => state.owned)({ cluster, groupId: 'selector', logger: state.logger } as never);
    return { ...state, state, assigner };
  }
  type Consumer = ReturnType<typeof consumer>;

  /** A rebalance as kafkajs runs it: every member's protocol(), the leader's assign(), each member's assignment. */
  async function rebalance(consumers: Consumer[], leader = consumers[0]): Promise<Record<string, Record<string, number[]>>> {
    const members = consumers.map((c) => ({ memberId: c.memberId, memberMetadata: c.assigner.protocol({ topics: TOPICS }).metadata }));
    const result = await leader.assigner.assign({ members, topics: TOPICS });
    const received = Object.fromEntries(
      result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]),
    );
    for (const c of consumers) c.state.owned = ownedPartitions(received[c.memberId] ?? {});
    return received;
  }
  const partitionsOf = (received: Record<string, Record<string, number[]>>) =>
    Object.fromEntries(Object.entries(received).map(([id, assignment]) => [id, ownedPartitions(assignment)]));

  it('names itself and advertises its subscription and current partitions in userData', () => {
    const c = consumer('m-a');
    c.state.owned = [1, 5];
    expect(c.assigner.name).toBe('CoPartitionedAssigner');
    expect(c.assigner.version).toBe(1);
    const { name, metadata } = c.assigner.protocol({ topics: TOPICS });
    expect(name).toBe('CoPartitionedAssigner');
    const decoded = AssignerProtocol.MemberMetadata.decode(metadata)!;
    expect(decoded).toMatchObject({ version: 1, topics: TOPICS });
    expect(JSON.parse(decoded.userData.toString())).toEqual({ partitions: [1, 5] });
  });

  it('gives partition p of every topic to one member, and keeps partitions with their owners across a scale-up led by the newcomer', async () => {
    const [a, b, c, d] = ['m-c', 'm-a', 'm-d', 'm-b'].map((id) => consumer(id));
    const first = await rebalance([a, b, c], c);
    for (const assignment of Object.values(first)) expect(new Set(Object.values(assignment).map((p) => p.join())).size).toBe(1);
    const before = partitionsOf(first);
    expect(before).toEqual({ 'm-a': [0, 3, 6, 9], 'm-c': [1, 4, 7, 10], 'm-d': [2, 5, 8, 11] });

    // The newcomer leads: it knows nothing of the last plan but what the members advertise.
    const second = await rebalance([a, b, c, d], d);
    for (const assignment of Object.values(second)) {
      expect(Object.keys(assignment).sort()).toEqual([...TOPICS].sort());
      expect(new Set(Object.values(assignment).map((p) => p.join())).size).toBe(1);
    }
    const after = partitionsOf(second);
    expect(moved(before, after)).toHaveLength(3);
    expect(after['m-b']).toHaveLength(3);

    // The leader (the newcomer) leaves again: the others keep theirs and share its partitions.
    const third = partitionsOf(await rebalance([a, b, c], a));
    expect(moved(after, third).sort((x, y) => x - y)).toEqual(after['m-b']);
  });

  it('answers every member in id order, and counts a member whose metadata cannot be read as owning nothing', async () => {
    const leader = consumer('m-e');
    const junk = (userData: string) =>
      AssignerProtocol.MemberMetadata.encode({ version: 1, topics: TOPICS, userData: Buffer.from(userData) });
    const members = [
      { memberId: 'm-e', memberMetadata: leader.assigner.protocol({ topics: TOPICS }).metadata },
      { memberId: 'm-c', memberMetadata: Buffer.alloc(0) },
      { memberId: 'm-a', memberMetadata: Buffer.from('not kafka metadata') },
      { memberId: 'm-d', memberMetadata: junk('{"partitions": [0, -1]}') },
      { memberId: 'm-b', memberMetadata: junk('not json') },
    ];
    const result = await leader.assigner.assign({ members, topics: TOPICS });
    expect(result.map((r) => r.memberId)).toEqual(['m-a', 'm-b', 'm-c', 'm-d', 'm-e']);
    const decoded = Object.fromEntries(
      result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]),
    );
    const all = (p: number[]) => Object.fromEntries(TOPICS.map((t) => [t, p]));
    // Nobody owned anything: the p mod n plan.
    expect(decoded).toEqual({
      'm-a': all([0, 5, 10]),
      'm-b': all([1, 6, 11]),
      'm-c': all([2, 7]),
      'm-d': all([3, 8]),
      'm-e': all([4, 9]),
    });
    const warned = leader.logger.warn.mock.calls.map(([, extra]) => extra.memberId).sort();
    expect(warned).toEqual(['m-a', 'm-b', 'm-c', 'm-d']);
  });

  it('gives a member with no partitions an empty assignment', async () => {
    const consumers = ['a', 'b', 'c'].map((id) => consumer(id, clusterOf(Object.fromEntries(TOPICS.map((t) => [t, 2])))));
    expect(await rebalance(consumers)).toEqual({
      a: Object.fromEntries(TOPICS.map((t) => [t, [0]])),
      b: Object.fromEntries(TOPICS.map((t) => [t, [1]])),
      c: {},
    });
  });

  it('warns when the topics differ in partition count, and gives each topic only the partitions it has', async () => {
    const cluster = clusterOf({ 'chat.messages': 4, 'nlu.results': 4, 'chat.candidates': 2 });
    const [a, b] = ['a', 'b'].map((id) => consumer(id, cluster));
    const received = await rebalance([a, b]);
    expect(received).toEqual({
      a: { 'chat.messages': [0, 2], 'nlu.results': [0, 2], 'chat.candidates': [0] },
      b: { 'chat.messages': [1, 3], 'nlu.results': [1, 3], 'chat.candidates': [1] },
    });
    expect(a.logger.warn).toHaveBeenCalledWith('Co-partitioned topics differ in partition count', expect.anything());
  });
});
