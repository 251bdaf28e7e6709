import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { Topic, TopicNames, topicSpecs, type LogicalTopic } from '@app/contracts';
import { EventConsumer, EventProducer, ensureTopics } from '@app/kafka';
import { eventually } from '../support/http';
import { sidePrefix } from '../support/side-stack';
import { stackInfo } from '../support/stack-info';

const INPUTS: LogicalTopic[] = [Topic.messages, Topic.nluResults];
const PARTITIONS = 12;

/** One member as the broker describes it: what the leader assigned it and what it advertised at its last join. */
interface MemberView {
  messages: number[];
  nluResults: number[];
  /** The partitions the member claimed in its join metadata (userData): what it owned one generation earlier. */
  advertised: number[];
}
/** Client id (sticky-a, sticky-b, ...) → its view, for a Stable group. */
type GroupView = Record<string, MemberView>;

/**
 * EventConsumer with `coPartitioned: true` on the shared broker: members advertise what they own
 * (fed from their GROUP_JOIN assignment), so a rebalance moves only as many partitions as balance
 * needs, and partition p of chat.messages and nlu.results always go to the same member. The
 * assignments are read from the broker (DescribeGroups), each consumer with a client id of its own.
 */
describe('co-partitioned sticky assignment (EventConsumer coPartitioned)', () => {
  const shared = stackInfo();
  const names = new TopicNames(sidePrefix('sticky-assignment'));
  const groupId = names.group('sticky-assignment-test');
  const adminClient = new Kafka({ clientId: 'sticky-assignment-admin', brokers: [shared.kafkaBrokers], logLevel: logLevel.NOTHING });
  let admin: Admin;
  const members = new Map<string, EventConsumer>();
  let threeMembers: GroupView;
  let fourMembers: GroupView;
  /** The assignment protocol the group last agreed on. */
  let protocol = '';

  const startMember = async (name: string): Promise<void> => {
    const clientId = `sticky-${name}`;
    const kafka = new Kafka({ clientId, brokers: [shared.kafkaBrokers], logLevel: logLevel.NOTHING });
    const consumer = new EventConsumer(kafka, names, new EventProducer(kafka, names), {
      groupId,
      topics: INPUTS,
      fromBeginning: false,
      coPartitioned: true,
      sessionTimeoutMs: 10_000,
      handle: async () => undefined,
    });
    members.set(clientId, consumer);
    await consumer.start();
  };

  const stopMember = async (name: string): Promise<void> => {
    const clientId = `sticky-${name}`;
    await members.get(clientId)!.stop();
    members.delete(clientId);
  };

  /** The group as the broker has it, or undefined while it is rebalancing. */
  const describeGroup = async (): Promise<GroupView | undefined> => {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group.state !== 'Stable') return undefined;
    protocol = group.protocol;
    const view: GroupView = {};
    for (const member of group.members) {
      const { assignment } = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)!;
      const { userData } = AssignerProtocol.MemberMetadata.decode(member.memberMetadata)!;
      const claim = userData.length > 0 ? (JSON.parse(userData.toString('utf8')) as { partitions: number[] }) : { partitions: [] };
      view[member.clientId] = {
        messages: [...(assignment[names.of(Topic.messages)] ?? [])].sort((a, b) => a - b),
        nluResults: [...(assignment[names.of(Topic.nluResults)] ?? [])].sort((a, b) => a - b),
        advertised: [...claim.partitions].sort((a, b) => a - b),
      };
    }
    return view;
  };

  /**
   * Waits for a Stable group of exactly these members, each with `perMember` partitions, that stays
   * the same for 2 s (no further rebalance under way), and returns it.
   */
  const settled = async (clientIds: string[], perMember: number): Promise<GroupView> => {
    let last: { view: GroupView; since: number } | undefined;
    return eventually(
      async () => {
        const view = await describeGroup();
        const complete =
          view !== undefined &&
          Object.keys(view).sort().join() === [...clientIds].sort().join() &&
          Object.values(view).every((m) => m.messages.length === perMember && m.nluResults.length === perMember);
        if (!complete) {
          last = undefined;
          return undefined;
        }
        if (!last || JSON.stringify(last.view) !== JSON.stringify(view)) last = { view, since: Date.now() };
        return Date.now() - last.since >= 2_000 ? view : undefined;
      },
      60_000,
      250,
    );
  };

  /** Partition → the client id that has it (checking nothing is owned twice or not at all). */
  const owners = (view: GroupView): Map<number, string> => {
    const owner = new Map<number, string>();
    for (const [clientId, member] of Object.entries(view))
      for (const p of member.messages) {
        expect(owner.has(p)).toBe(false);
        owner.set(p, clientId);
      }
    expect([...owner.keys()].sort((a, b) => a - b)).toEqual([...Array(PARTITIONS).keys()]);
    return owner;
  };

  const expectCoPartitioned = (view: GroupView): void => {
    for (const member of Object.values(view)) expect(member.nluResults).toEqual(member.messages);
  };

  /** The partitions whose owner differs between two views. */
  const moved = (before: GroupView, after: GroupView): { partition: number; from: string; to: string }[] => {
    const was = owners(before);
    const is = owners(after);
    return [...is]
      .filter(([p, clientId]) => was.get(p) !== clientId)
      .map(([partition, to]) => ({ partition, from: was.get(partition)!, to }))
      .sort((a, b) => a.partition - b.partition);
  };

  beforeAll(async () => {
    admin = adminClient.admin();
    await admin.connect();
    await ensureTopics(
      admin,
      names,
      topicSpecs(PARTITIONS).filter((spec) => INPUTS.includes(spec.name)),
    );
    const { topics } = await admin.fetchTopicMetadata({ topics: INPUTS.map((t) => names.of(t)) });
    for (const topic of topics) expect(topic.partitions).toHaveLength(PARTITIONS);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...members.values()].map((consumer) => consumer.stop()));
    await admin?.disconnect();
  });

  it('splits 12 partitions 4/4/4 over three members, partition p of both inputs to one member', async () => {
    await Promise.all(['a', 'b', 'c'].map(startMember));
    threeMembers = await settled(['sticky-a', 'sticky-b', 'sticky-c'], 4);
    expect(protocol).toBe('CoPartitionedAssigner');
    expectCoPartitioned(threeMembers);
    owners(threeMembers);
  }, 90_000);

  it('gives a fourth member one partition from each of the three: only 3 partitions move', async () => {
    await startMember('d');
    fourMembers = await settled(['sticky-a', 'sticky-b', 'sticky-c', 'sticky-d'], 3);
    expectCoPartitioned(fourMembers);
    const changes = moved(threeMembers, fourMembers);
    expect(changes).toHaveLength(3);
    expect(changes.every((c) => c.to === 'sticky-d')).toBe(true);
    expect(changes.map((c) => c.from).sort()).toEqual(['sticky-a', 'sticky-b', 'sticky-c']);
    for (const clientId of ['sticky-a', 'sticky-b', 'sticky-c'])
      expect(threeMembers[clientId].messages).toEqual(expect.arrayContaining(fourMembers[clientId].messages));
    // The wiring itself: each member advertised what its last GROUP_JOIN gave it, the newcomer nothing.
    for (const clientId of ['sticky-a', 'sticky-b', 'sticky-c'])
      expect(fourMembers[clientId].advertised).toEqual(threeMembers[clientId].messages);
    expect(fourMembers['sticky-d'].advertised).toEqual([]);
  }, 90_000);

  it("moves only the leaving member's partitions when an original member stops", async () => {
    // sticky-a started first, so it is likely the leader that planned the previous generations.
    await stopMember('a');
    const threeAgain = await settled(['sticky-b', 'sticky-c', 'sticky-d'], 4);
    expectCoPartitioned(threeAgain);
    const changes = moved(fourMembers, threeAgain);
    expect(changes.map((c) => c.partition)).toEqual(fourMembers['sticky-a'].messages);
    expect(changes.every((c) => c.from === 'sticky-a')).toBe(true);
    for (const clientId of ['sticky-b', 'sticky-c', 'sticky-d']) {
      // Everyone who stayed kept all it had, and had advertised it.
      expect(threeAgain[clientId].messages).toEqual(expect.arrayContaining(fourMembers[clientId].messages));
      expect(threeAgain[clientId].advertised).toEqual(fourMembers[clientId].messages);
    }
  }, 90_000);
});
