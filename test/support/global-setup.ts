import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LocalStack, NLU_LAYOUTS as Layouts, startLocalStack as StartLocalStack } from '../../scripts/local-stack';
import { OPEN_ACCESS } from './side-stack';
import { STACK_INFO_FILE, type StackInfo } from './stack-info';

declare global {
  var __STACK__: LocalStack | undefined;
}

const GENERATORS = ['retrieval', 'llm'];

/** Starts one real stack (Kafka broker, chdb sink, selector, the NLU workers, generators, gateway) for the whole suite. */
export default async function globalSetup(): Promise<void> {
  // The apps run from dist (built by scripts/test.sh), so the launcher does too.
  const { startLocalStack, NLU_LAYOUTS, DEFAULT_NLU_LAYOUT } = require('../../dist/scripts/local-stack.js') as {
    startLocalStack: typeof StartLocalStack;
    NLU_LAYOUTS: typeof Layouts;
    DEFAULT_NLU_LAYOUT: keyof typeof Layouts;
  };
  // The default layout (one encoder pass for the five encoder tasks); single-task workers run in side stacks.
  const nluWorkers = NLU_LAYOUTS[DEFAULT_NLU_LAYOUT];
  const dataRoot = dirname(STACK_INFO_FILE);
  mkdirSync(dataRoot, { recursive: true });
  // Keep only this run's data and logs.
  for (const old of readdirSync(dataRoot).filter((name) => name.startsWith('test-')))
    rmSync(join(dataRoot, old), { recursive: true, force: true });
  const dataDir = join(dataRoot, `test-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const started = Date.now();
  const topicPrefix = `t${process.pid}.`;
  const stack = await startLocalStack({
    dataDir,
    kafkaBrokers: process.env.TEST_KAFKA_BROKERS,
    ports: { gateway: 0, grpc: 0, sink: 0, selector: 0, nluBase: 0, generatorBase: 0 },
    nluWorkers,
    generators: GENERATORS,
    topicPrefix,
    // One llama.cpp thread: the LLM shares these cores with seven NLU workers and the broker.
    // Breakers never open here, so what a reply holds does not depend on how loaded the machine
    // was a test earlier; slow-generator.int-spec.ts tests them in a stack of its own.
    // Sign-in and rate limits are tested in access.int-spec.ts, in a stack of its own.
    env: { LOG_LEVEL: 'log', SINK_FLUSH_MS: '100', LLM_THREADS: '1', SELECTOR_BREAKER_BUDGET: '10', ...OPEN_ACCESS },
    echo: process.env.STACK_ECHO === '1',
  });
  globalThis.__STACK__ = stack;
  const info: StackInfo = {
    dataDir,
    kafkaBrokers: stack.kafkaBrokers,
    topicPrefix,
    gatewayUrl: stack.gatewayUrl,
    grpcAddress: stack.grpcAddress,
    sinkUrl: stack.sinkUrl,
    urls: Object.fromEntries(stack.apps.map((app) => [app.spec.id, stack.url(app.spec.id)])),
    generators: GENERATORS,
    nluWorkers,
  };
  writeFileSync(STACK_INFO_FILE, JSON.stringify(info, null, 2));
  process.stdout.write(`\n[test] stack ready in ${Date.now() - started} ms (logs in ${dataDir}/logs)\n`);
}
