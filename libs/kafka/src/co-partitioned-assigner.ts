import { AssignerProtocol, type GroupMember, type Logger, type PartitionAssigner } from 'kafkajs';

/**
 * Gives partition p of every subscribed topic to the same member, like Kafka Streams does for
 * co-partitioned inputs: the selector must see a conversation's message, NLU results and candidates
 * together, and all three are keyed by conversation id with equal partition counts. It is sticky:
 * a rebalance (KEDA scaling the selector between 2 and 12 replicas) moves as few partitions as
 * balance allows, so only the partitions that change hands have their state restored elsewhere.
 *
 * Each member advertises the partitions it owns in its join metadata (userData), and the leader
 * plans from those claims. kafkajs tells an assigner nothing about what its own member received:
 * ConsumerGroup's sync decodes the assignment into its subscription state
 * (kafkajs/src/consumer/consumerGroup.js, `MemberAssignment.decode(memberAssignment)` in
 * `[PRIVATE.SYNC]`), and it surfaces only as the GROUP_JOIN event's `payload.memberAssignment`
 * (`joinAndSync`). Only the leader runs `assign`, so its own last plan cannot stand in when the
 * leader is the member that left. Hence the consumer passes its assignment in: `currentPartitions`
 * is read each time kafkajs calls `protocol()`, at every join, before the new assignment arrives.
 */
export function stickyCoPartitionedAssigner(currentPartitions: () => number[]): PartitionAssigner {
  return ({ cluster, logger }) => ({
    name: 'CoPartitionedAssigner',
    version: 1,
    protocol({ topics }) {
      return {
        name: 'CoPartitionedAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: encodeOwned(currentPartitions()) }),
      };
    },
    async assign({ members, topics }) {
      const partitionsOf = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)]));
      const counts = new Set([...partitionsOf.values()].map((partitions) => partitions.length));
      if (counts.size > 1) logger.warn('Co-partitioned topics differ in partition count', { topics, counts: [...counts] });
      const plan = planCoPartitioned(
        members.map((member) => ({ memberId: member.memberId, owned: claimedBy(member, logger) })),
        [...partitionsOf.values()].flat(),
      );
      return Object.keys(plan)
        .sort()
        .map((memberId) => {
          const assignment: Record<string, number[]> = {};
          for (const [topic, partitions] of partitionsOf) {
            const mine = plan[memberId].filter((p) => partitions.includes(p));
            if (mine.length > 0) assignment[topic] = mine;
          }
          return {
            memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
          };
        });
    },
  });
}

/** A GROUP_JOIN `memberAssignment` (topic → partitions) as the partition numbers a member advertises. */
export function ownedPartitions(memberAssignment: Record<string, number[]>): number[] {
  return [...new Set(Object.values(memberAssignment).flat())].sort((a, b) => a - b);
}

/** A member and the partition numbers it owned before this rebalance (partition p of every topic). */
export interface MemberClaim {
  memberId: string;
  owned: number[];
}

/**
 * Pure planning step: member id → its partition numbers (ascending), an entry for every member.
 * Each member gets floor(P/n) or ceil(P/n) partitions, the larger quotas going to the members that
 * claim most (ties by id). Claims are kept in ascending partition order while the claimant has
 * room, so a member over its quota gives up its highest-numbered extras; a partition claimed twice
 * goes to the claimant with fewer claims (it has less to keep; ties by id). The rest go round-robin
 * over members in id order, so with no claims partition p goes to member p mod n.
 */
export function planCoPartitioned(members: MemberClaim[], partitions: number[]): Record<string, number[]> {
  const all = [...new Set(partitions)].sort((a, b) => a - b);
  const ids = [...new Set(members.map((m) => m.memberId))].sort();
  const plan: Record<string, number[]> = Object.fromEntries(ids.map((id) => [id, []]));
  if (ids.length === 0) return plan;

  const exists = new Set(all);
  const claims = new Map(ids.map((id) => [id, new Set<number>()]));
  for (const { memberId, owned } of members) for (const p of owned) if (exists.has(p)) claims.get(memberId)!.add(p);
  const claimCount = (id: string) => claims.get(id)!.size;
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  const quota = new Map<string, number>();
  const floor = Math.floor(all.length / ids.length);
  const larger = all.length % ids.length;
  [...ids]
    .sort((a, b) => claimCount(b) - claimCount(a) || byId(a, b))
    .forEach((id, rank) => quota.set(id, floor + (rank < larger ? 1 : 0)));
  const hasRoom = (id: string) => plan[id].length < quota.get(id)!;

  const unclaimed: number[] = [];
  for (const p of all) {
    const keeper = ids.filter((id) => claims.get(id)!.has(p) && hasRoom(id)).sort((a, b) => claimCount(a) - claimCount(b) || byId(a, b))[0];
    if (keeper === undefined) unclaimed.push(p);
    else plan[keeper].push(p);
  }
  let next = 0;
  for (const p of unclaimed) {
    while (!hasRoom(ids[next])) next = (next + 1) % ids.length;
    plan[ids[next]].push(p);
    next = (next + 1) % ids.length;
  }
  for (const id of ids) plan[id].sort((a, b) => a - b);
  return plan;
}

/** The advertised partitions, as JSON so that a later version can add fields beside them. */
function encodeOwned(partitions: number[]): Buffer {
  return Buffer.from(JSON.stringify({ partitions }));
}

/** What a member claims; nothing when its metadata cannot be read (an older member sends no userData). */
function claimedBy(member: GroupMember, logger: Logger): number[] {
  try {
    const { userData } = AssignerProtocol.MemberMetadata.decode(member.memberMetadata)!;
    if (!userData || userData.length === 0) return [];
    const { partitions } = JSON.parse(userData.toString('utf8')) as { partitions?: unknown };
    if (!Array.isArray(partitions) || !partitions.every((p) => Number.isInteger(p) && p >= 0)) throw new Error('no partition list');
    return partitions as number[];
  } catch (error) {
    logger.warn('Member metadata unreadable: it counts as owning nothing', { memberId: member.memberId, error: (error as Error).message });
    return [];
  }
}
