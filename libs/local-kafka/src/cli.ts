#!/usr/bin/env node
/**
 * Start a local Kafka broker in the foreground:
 *   node dist/libs/local-kafka/src/cli.js --data-dir .data/kafka --port 9092
 * Prints `KAFKA_BROKERS=127.0.0.1:PORT` once a client can talk to it (so a wrapper script
 * can wait for that line) and shuts the broker down cleanly on SIGINT/SIGTERM.
 */
import * as path from 'node:path';
import { KAFKA_VERSION, LocalKafkaBroker, type LocalKafkaOptions } from './kafka-broker';

const USAGE = `usage: cli.js --data-dir DIR [--port N] [--controller-port N] [--heap-mb N]
              [--libs-dir DIR] [--java PATH] [--log-file FILE] [--start-timeout-ms N] [--verbose]`;

function parseArgs(argv: string[]): LocalKafkaOptions & { verbose: boolean } {
  const values = new Map<string, string>();
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--verbose') {
      verbose = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const [key, value] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, argv[++i]];
    if (!key.startsWith('--') || value === undefined) fail(`bad argument: ${arg}`);
    values.set(key.slice(2), value);
  }
  const num = (k: string): number | undefined => {
    const v = values.get(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) fail(`--${k} must be a non-negative integer`);
    return n;
  };
  const dataDir = values.get('data-dir');
  if (!dataDir) fail('--data-dir is required');
  const known = new Set(['data-dir', 'port', 'controller-port', 'heap-mb', 'libs-dir', 'java', 'log-file', 'start-timeout-ms']);
  for (const k of values.keys()) if (!known.has(k)) fail(`unknown option --${k}`);
  return {
    dataDir: path.resolve(dataDir),
    port: num('port'),
    controllerPort: num('controller-port'),
    heapMb: num('heap-mb'),
    libsDir: values.get('libs-dir'),
    javaBin: values.get('java'),
    logFile: values.get('log-file'),
    startTimeoutMs: num('start-timeout-ms'),
    verbose,
  };
}

function fail(msg: string): never {
  console.error(`local-kafka: ${msg}\n${USAGE}`);
  process.exit(2);
}

let stopping = false;

async function main(): Promise<void> {
  const { verbose, ...options } = parseArgs(process.argv.slice(2));
  const broker = new LocalKafkaBroker({
    ...options,
    onLog: verbose ? (line) => process.stderr.write(`[kafka] ${line}\n`) : undefined,
  });

  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.error(`local-kafka: ${signal}, stopping broker...`);
    broker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const t0 = Date.now();
  console.error(`local-kafka: starting Apache Kafka ${KAFKA_VERSION} (data ${options.dataDir})...`);
  await broker.start();
  console.error(`local-kafka: ready in ${Date.now() - t0}ms (pid ${broker.pid})`);
  console.log(`KAFKA_BROKERS=${broker.bootstrap}`);

  // A broker that dies on its own (OOM, disk) must not look like a clean stop.
  const exit = await broker.waitForExit();
  if (!stopping) {
    console.error(`local-kafka: broker exited unexpectedly (code ${exit?.code}, signal ${exit?.signal})`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  // A signal during start() already owns the exit.
  if (!stopping) process.exit(1);
});
