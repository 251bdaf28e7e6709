import type { Admin } from 'kafkajs';
import { type TopicNames, type TopicSpec } from '@app/contracts';

export interface ProvisionReport {
  created: string[];
  existing: string[];
}

/**
 * Creates the project's topics if missing; safe to run from every app at once.
 * Existing topics are left as they are (partition counts only ever grow by an operator's decision).
 */
export async function ensureTopics(admin: Admin, names: TopicNames, specs: TopicSpec[]): Promise<ProvisionReport> {
  const present = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !present.has(names.of(spec.name)));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: names.of(spec.name),
          numPartitions: spec.partitions,
          replicationFactor: -1, // the broker's default.replication.factor
          configEntries: [
            { name: 'retention.ms', value: String(spec.retentionMs) },
            { name: 'cleanup.policy', value: spec.cleanupPolicy },
          ],
        })),
      });
    } catch (error) {
      // Another app created them between our list and create: that is the goal reached.
      if (!isAlreadyExists(error)) throw error;
    }
  }
  await waitForLeaders(
    admin,
    specs.map((spec) => names.of(spec.name)),
  );
  return {
    created: missing.map((spec) => names.of(spec.name)),
    existing: specs.filter((spec) => present.has(names.of(spec.name))).map((spec) => names.of(spec.name)),
  };
}

function isAlreadyExists(error: unknown): boolean {
  const err = error as { type?: string; errors?: { type?: string }[] };
  if (err.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(err.errors) && err.errors.length > 0 && err.errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS');
}

/**
 * A fresh topic is listed before every partition has a leader the broker will answer for;
 * consumers that start then crash on "not the leader". Wait until offsets can be read.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (Date.now() - started > timeoutMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
