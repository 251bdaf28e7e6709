import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Gives partition p of every subscribed topic to the same member, like Kafka Streams does for
 * co-partitioned inputs: the selector must see a conversation's message, NLU results and candidates
 * together, and all three are keyed by conversation id with equal partition counts.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'CoPartitionedAssigner',
  version: 1,
  protocol({ topics }) {
    return {
      name: 'CoPartitionedAssigner',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
  async assign({ members, topics }) {
    const memberIds = members.map((member) => member.memberId).sort();
    const plan = assignCoPartitioned(
      memberIds,
      topics.map((topic) => ({ topic, partitions: cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId) })),
    );
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: plan[memberId] ?? {},
        userData: Buffer.alloc(0),
      }),
    }));
  },
});

/** Pure planning step: partition p of each topic goes to member p mod n. */
export function assignCoPartitioned(
  memberIds: string[],
  topics: { topic: string; partitions: number[] }[],
): Record<string, Record<string, number[]>> {
  const plan: Record<string, Record<string, number[]>> = {};
  if (memberIds.length === 0) return plan;
  for (const { topic, partitions } of topics) {
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const member = memberIds[partition % memberIds.length];
      plan[member] ??= {};
      (plan[member][topic] ??= []).push(partition);
    }
  }
  return plan;
}
