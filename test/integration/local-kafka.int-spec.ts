/**
 * Starts a real Kafka (KRaft) broker from the Maven jars and drives it with kafkajs, the
 * client the apps use. Kafka 4.x dropped old protocol versions (KIP-896), so this is also the
 * compatibility check for kafkajs 2.2.4: admin, producer with headers, classic consumer
 * groups with offset commits, and a custom partition assigner.
 *
 * Needs the jars: `bash scripts/kafka-fetch.sh` (skipped with a message if they are missing).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssignerProtocol, Kafka, logLevel, Partitioners, type Consumer, type IHeaders, type PartitionAssigner } from 'kafkajs';
import { defaultLibsDir, LocalKafkaBroker } from '../../libs/local-kafka/src/kafka-broker';
import { eventually } from '../support/http';

const TOPIC = 'local-kafka-it';
const COUNT = 10;
const haveJars = fs.existsSync(path.join(defaultLibsDir(), '.complete'));
const describeIfJars = haveJars ? describe : describe.skip;

if (!haveJars) {
  console.warn(`local-kafka int-spec skipped: no jars in ${defaultLibsDir()}; run bash scripts/kafka-fetch.sh`);
}

interface Received {
  key: string;
  value: string;
  partition: number;
  headers: Record<string, string>;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}

function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Minimal custom assigner: deals every partition round-robin over the sorted members. */
const RoundRobinCustom: PartitionAssigner = ({ cluster }) => ({
  name: 'LocalKafkaItRoundRobin',
  version: 1,
  protocol({ topics }) {
    return {
      name: 'LocalKafkaItRoundRobin',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
  async assign({ members, topics }) {
    const ids = members.map((m) => m.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    let i = 0;
    for (const topic of topics) {
      for (const p of cluster
        .findTopicPartitionMetadata(topic)
        .map((m) => m.partitionId)
        .sort((a, b) => a - b)) {
        const slot = plan.get(ids[i++ % ids.length]) ?? {};
        (slot[topic] ??= []).push(p);
      }
    }
    return ids.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: plan.get(memberId) ?? {},
        userData: Buffer.alloc(0),
      }),
    }));
  },
});

async function consumeAll(consumer: Consumer, expected: number, timeoutMs = 30_000): Promise<Received[]> {
  const got: Received[] = [];
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length}/${expected} messages`)), timeoutMs);
    void consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          got.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            partition,
            headers: headersToStrings(message.headers),
          });
          if (got.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  return got;
}

describeIfJars('LocalKafkaBroker (real Kafka, kafkajs client)', () => {
  let dataDir: string;
  let broker: LocalKafkaBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-kafka-it-'));
    broker = new LocalKafkaBroker({ dataDir, heapMb: 256 });
    const t0 = Date.now();
    await broker.start();
    console.log(`[local-kafka] start() -> ready: ${Date.now() - t0} ms at ${broker.bootstrap} (pid ${broker.pid})`);
    kafka = new Kafka({ clientId: 'local-kafka-it', brokers: [broker.bootstrap], logLevel: logLevel.WARN });
  });

  afterAll(async () => {
    await broker?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a topic, produces keyed messages with headers and consumes them in groups', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      expect(await admin.listTopics()).toContain(TOPIC);
      const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
      expect(meta.topics[0].partitions).toHaveLength(3);

      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const sent = Array.from({ length: COUNT }, (_, i) => ({
        key: `key-${i}`,
        value: JSON.stringify({ i }),
        headers: { 'x-trace-id': `trace-${i}`, 'x-source': 'int-spec' },
      }));
      await producer.send({ topic: TOPIC, messages: sent });
      await producer.disconnect();

      const offsets = await admin.fetchTopicOffsets(TOPIC);
      expect(offsets).toHaveLength(3);
      expect(offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0)).toBe(COUNT);

      // Classic consumer group: JoinGroup/SyncGroup/Heartbeat/OffsetCommit.
      const groupId = 'local-kafka-it-group';
      const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
      await consumer.connect();
      let got: Received[];
      try {
        got = await consumeAll(consumer, COUNT);
      } finally {
        await consumer.disconnect(); // commits resolved offsets on the way out
      }
      expect(got.map((m) => m.key).sort()).toEqual(sent.map((m) => m.key).sort());
      for (const m of got) {
        const i = Number(m.key.slice('key-'.length));
        expect(JSON.parse(m.value)).toEqual({ i });
        expect(m.headers).toEqual({ 'x-trace-id': `trace-${i}`, 'x-source': 'int-spec' });
      }
      // Keys were spread over partitions by the murmur2 default partitioner.
      expect(new Set(got.map((m) => m.partition)).size).toBeGreaterThan(1);

      const committed = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
      const total = committed[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      expect(total).toBe(COUNT);
      const groups = await admin.describeGroups([groupId]);
      expect(groups.groups[0].protocolType).toBe('consumer');

      // A custom assigner must still be accepted by the 4.x classic group coordinator.
      const custom = kafka.consumer({
        groupId: 'local-kafka-it-custom',
        partitionAssigners: [RoundRobinCustom],
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      });
      await custom.connect();
      try {
        const again = await consumeAll(custom, COUNT);
        expect(again.map((m) => m.key).sort()).toEqual(sent.map((m) => m.key).sort());
        const described = await admin.describeGroups(['local-kafka-it-custom']);
        expect(described.groups[0].protocol).toBe('LocalKafkaItRoundRobin');
      } finally {
        await custom.disconnect();
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('stops the broker process', async () => {
    const pid = broker.pid;
    expect(pid).toBeDefined();
    console.log(`[local-kafka] broker RSS after test: ${Math.round((rssKb(pid!) ?? 0) / 1024)} MiB`);
    const t0 = Date.now();
    await broker.stop();
    console.log(`[local-kafka] stop(): ${Date.now() - t0} ms, exit ${JSON.stringify(broker.exit)}`);
    expect(broker.exit).toBeDefined();
    expect(isAlive(pid!)).toBe(false);
    await broker.stop(); // idempotent
  });

  it('restarts on the same data dir (new ports) and keeps topics and committed offsets', async () => {
    const clusterId = fs.readFileSync(path.join(dataDir, 'cluster-id'), 'utf8').trim();
    broker = new LocalKafkaBroker({ dataDir, heapMb: 256 });
    const t0 = Date.now();
    await broker.start();
    console.log(`[local-kafka] restart start() -> ready: ${Date.now() - t0} ms at ${broker.bootstrap}`);
    const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.WARN }).admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).clusterId).toBe(clusterId);
      expect(await admin.listTopics()).toContain(TOPIC);
      // A restarted broker loads its offsets topic before it answers for a group ("The coordinator
      // is loading"), and kafkajs's admin does not retry that: ask until it answers.
      const committed = await eventually(() => admin.fetchOffsets({ groupId: 'local-kafka-it-group', topics: [TOPIC] }), 30_000);
      expect(committed[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)).toBe(COUNT);
      await admin.deleteTopics({ topics: [TOPIC] });
    } finally {
      await admin.disconnect();
    }
    const pid = broker.pid!;
    await broker.stop();
    expect(isAlive(pid)).toBe(false);
  });
});
