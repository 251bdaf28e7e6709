/**
 * Runs the whole pipeline on one machine: a real Kafka broker (unless KAFKA_BROKERS points at one)
 * and every app as its own process, as in production. Used by `npm start` and the integration tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { NLU_TASKS, repoRoot } from '@app/contracts';
import { LocalKafkaBroker, freePorts } from '@app/local-kafka';

export type AppName = 'analytics-sink' | 'selector' | 'nlu-worker' | 'generator-worker' | 'gateway';

export interface AppSpec {
  /** Process name in logs, e.g. nlu-sentiment, or selector#2 for one of several replicas. */
  id: string;
  /** What its replicas share (their consumer group, their settings): the id without `#n`, e.g. selector. */
  base: string;
  app: AppName;
  env: Record<string, string>;
  /**
   * Runs only on CPU time nothing else wants (Linux SCHED_IDLE, `chrt --idle 0`; where chrt is
   * missing, `nice -n 19`): below the latency-critical apps on a shared CPU.
   */
  background?: boolean;
}

export interface LocalStackOptions {
  /** Holds the broker's data, chdb's data and every process's log. */
  dataDir: string;
  /** An existing cluster; when unset a local broker is started. */
  kafkaBrokers?: string;
  kafkaPort?: number;
  /** Ports for each app's HTTP server; 0 = pick free ports (tests). */
  ports: { gateway: number; grpc: number; sink: number; selector: number; nluBase: number; generatorBase: number };
  /** One nlu-worker process (and consumer group) per entry, serving that entry's tasks. */
  nluWorkers: string[][];
  generators: string[];
  topicPrefix?: string;
  /** Extra env for every app (e.g. deadlines). */
  env?: Record<string, string>;
  /** Options for every app's node (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  /** Extra env for one kind of app (e.g. the NLU workers' batch size), over `env`. */
  appEnv?: Partial<Record<AppName, Record<string, string>>>;
  /** Which apps to run (default all). */
  apps?: AppName[];
  /**
   * Processes per app kind (default 1): replicas of one NLU layout entry or one generator share its
   * consumer group, like the pods of one Deployment. Ids get `#1`, `#2`, … when there are several.
   * The sink stays single: it owns the chdb directory.
   */
  replicas?: Partial<Record<AppName, number>>;
  /** Mirror app output to this process's stdout with a [name] prefix. */
  echo?: boolean;
  /** How long an app may stay silent and unready before the start fails (90 s by default). */
  readyTimeoutMs?: number;
}

export interface RunningApp {
  spec: AppSpec;
  port: number;
  process: ChildProcess;
  log: WriteStream;
  /** The environment it was started with (a restart reuses it). */
  env: Record<string, string>;
  /** When it last wrote to stdout or stderr (ms since the epoch): an app printing progress is not stuck. */
  lastOutputAt: number;
}

export interface LocalStack {
  kafkaBrokers: string;
  broker?: LocalKafkaBroker;
  apps: RunningApp[];
  gatewayUrl: string;
  grpcAddress: string;
  sinkUrl: string;
  /** An app's URL: by its id, or by its base id (then its first replica's). */
  url(id: string): string;
  /** The running replicas of an app, by its base id (e.g. selector), in replica order. */
  replicas(base: string): RunningApp[];
  /**
   * Starts or stops replicas of an app (by its base id) until `count` run: new ones take the next
   * numbers and are waited for until ready; the highest-numbered stop first, with SIGTERM (a
   * graceful leave of the consumer group). Resolves with the ids started or stopped.
   */
  scale(base: string, count: number): Promise<string[]>;
  /**
   * Stops one app (SIGTERM, or SIGKILL with `kill`), runs `whileStopped` (e.g. resetting its
   * consumer group), and starts it again on the same port; resolves once it is ready.
   */
  restart(id: string, options?: { kill?: boolean; whileStopped?: () => Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How the NLU tasks are spread over processes. `single`: every task in one process (one encoder pass
 * per message feeds the five heads; one consumer of chat.messages). `shared-encoder`: the five tasks
 * on the MiniLM encoder in one process, language and entities on their own. `per-task`: one process
 * per task, each with its own encoder, as in Kubernetes. docs/benchmarks.md compares them.
 */
export const NLU_LAYOUTS: Record<'single' | 'shared-encoder' | 'per-task', string[][]> = {
  single: [[...NLU_TASKS]],
  'shared-encoder': [['intent', 'emotion', 'sentiment', 'toxicity', 'dialog_act'], ['language'], ['entities']],
  'per-task': NLU_TASKS.map((task) => [task]),
};

/** What `npm start`, the tests, the bench and the chaos run use: the fastest layout measured here (docs/benchmarks.md). */
export const DEFAULT_NLU_LAYOUT: keyof typeof NLU_LAYOUTS = 'single';

/** `intent+emotion,language` → [[intent, emotion], [language]]; a layout's name gives that layout. */
export function parseNluWorkers(value: string): string[][] {
  if (Object.hasOwn(NLU_LAYOUTS, value)) return NLU_LAYOUTS[value as keyof typeof NLU_LAYOUTS];
  return value
    .split(',')
    .map((entry) =>
      entry
        .split('+')
        .map((task) => task.trim())
        .filter(Boolean),
    )
    .filter((tasks) => tasks.length > 0);
}

export const APP_NAMES: AppName[] = ['analytics-sink', 'selector', 'nlu-worker', 'generator-worker', 'gateway'];

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  mkdirSync(options.dataDir, { recursive: true });
  const root = repoRoot();
  let broker: LocalKafkaBroker | undefined;
  let kafkaBrokers = options.kafkaBrokers;
  const running: RunningApp[] = [];

  const stop = async () => {
    // Reverse order: the gateway stops taking messages first, the sink flushes last.
    for (const app of [...running].reverse()) await stopProcess(app.process);
    running.forEach((app) => app.log.end());
    await broker?.stop();
  };

  try {
    if (!kafkaBrokers) {
      broker = new LocalKafkaBroker({ dataDir: join(options.dataDir, 'kafka'), port: options.kafkaPort ?? 0 });
      log('stack', 'starting Apache Kafka (KRaft) ...');
      await broker.start();
      kafkaBrokers = broker.bootstrap;
      log('stack', `Kafka ready at ${kafkaBrokers}`);
    }
    const wanted = options.apps ?? APP_NAMES;
    if ((options.replicas?.['analytics-sink'] ?? 1) > 1)
      throw new Error('the analytics sink cannot have replicas: it owns the chdb directory');
    const specs = planApps(options, wanted);
    const needed = specs.length + specs.filter((spec) => spec.app === 'gateway').length;
    const spare = await freePorts(needed);
    const pick = (configured: number) => (configured > 0 ? configured : (spare.pop() as number));
    const common = {
      KAFKA_BROKERS: kafkaBrokers,
      TOPIC_PREFIX: options.topicPrefix ?? '',
      HOST: '127.0.0.1',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...options.env,
    };
    const envFor = (spec: AppSpec, port: number, grpcPort: number): Record<string, string> => {
      const env: Record<string, string> = { ...common, ...options.appEnv?.[spec.app], ...spec.env, PORT: String(port) };
      if (spec.app === 'gateway') env.GRPC_PORT = String(grpcPort);
      if (spec.app === 'analytics-sink') env.CLICKHOUSE_DATA_DIR ??= join(options.dataDir, 'chdb');
      return env;
    };
    let grpcPort = 0;
    for (const spec of specs) {
      const port = pick(replicaNumber(spec.id) === 1 ? portFor(spec, options) : 0);
      const grpc = spec.app === 'gateway' ? pick(replicaNumber(spec.id) === 1 ? options.ports.grpc : 0) : 0;
      if (spec.app === 'gateway' && !grpcPort) grpcPort = grpc;
      running.push(launch(root, spec, port, envFor(spec, port, grpc), options));
    }
    const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    await Promise.all(running.map((app) => waitReady(app, readyTimeoutMs)));
    const replicas = (base: string) =>
      running.filter((app) => app.spec.base === base).sort((a, b) => replicaNumber(a.spec.id) - replicaNumber(b.spec.id));
    const find = (id: string) => running.find((app) => app.spec.id === id) ?? replicas(id)[0];
    const restart = async (id: string, how: { kill?: boolean; whileStopped?: () => Promise<void> } = {}) => {
      const index = running.findIndex((app) => app.spec.id === id);
      if (index < 0) throw new Error(`no app ${id} in this stack`);
      const old = running[index];
      await stopProcess(old.process, how.kill ? 0 : undefined);
      old.log.end();
      await how.whileStopped?.();
      running[index] = launch(root, old.spec, old.port, old.env, options);
      await waitReady(running[index], readyTimeoutMs);
    };
    const scale = async (base: string, count: number): Promise<string[]> => {
      const current = replicas(base);
      if (current.length === 0) throw new Error(`no app ${base} in this stack`);
      if (count < 1) throw new Error(`${base}: at least one replica (asked for ${count})`);
      if (current[0].spec.app === 'analytics-sink' && count > 1) throw new Error('the analytics sink cannot have replicas');
      if (count < current.length) {
        const leaving = current.slice(count);
        await Promise.all(leaving.map((app) => stopProcess(app.process)));
        for (const app of leaving) {
          app.log.end();
          running.splice(running.indexOf(app), 1);
        }
        return leaving.map((app) => app.spec.id);
      }
      const template = current[0];
      let next = Math.max(...current.map((app) => replicaNumber(app.spec.id)));
      const started: RunningApp[] = [];
      for (let i = current.length; i < count; i++) {
        const spec: AppSpec = { ...template.spec, id: `${base}#${++next}` };
        const [port, grpc] = await freePorts(2);
        const app = launch(root, spec, port, envFor(spec, port, grpc), options);
        running.push(app);
        started.push(app);
      }
      await Promise.all(started.map((app) => waitReady(app, readyTimeoutMs)));
      return started.map((app) => app.spec.id);
    };
    const url = (id: string) => {
      const app = find(id);
      if (!app) throw new Error(`no app ${id} in this stack`);
      return `http://127.0.0.1:${app.port}`;
    };
    return {
      kafkaBrokers,
      broker,
      apps: running,
      gatewayUrl: find('gateway') ? url('gateway') : '',
      grpcAddress: `127.0.0.1:${grpcPort}`,
      sinkUrl: find('analytics-sink') ? url('analytics-sink') : '',
      url,
      replicas,
      scale,
      restart,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One spec per process: each app kind's replicas, consumers before the gateway. */
export function planApps(options: Pick<LocalStackOptions, 'nluWorkers' | 'generators' | 'replicas'>, wanted: AppName[]): AppSpec[] {
  const specs: AppSpec[] = [];
  const add = (spec: Omit<AppSpec, 'base'>) => {
    const count = options.replicas?.[spec.app] ?? 1;
    for (let n = 1; n <= count; n++) specs.push({ ...spec, base: spec.id, id: count > 1 ? `${spec.id}#${n}` : spec.id });
  };
  // Consumers before the gateway, so nothing is produced before someone listens.
  if (wanted.includes('analytics-sink')) add({ id: 'analytics-sink', app: 'analytics-sink', env: {} });
  if (wanted.includes('selector')) {
    add({
      id: 'selector',
      app: 'selector',
      env: {
        SELECTOR_EXPECTED_TASKS: options.nluWorkers.flat().join(',') || 'none',
        SELECTOR_EXPECTED_GENERATORS: options.generators.join(',') || 'none',
      },
    });
  }
  if (wanted.includes('nlu-worker')) {
    for (const tasks of options.nluWorkers) add({ id: `nlu-${tasks.join('+')}`, app: 'nlu-worker', env: { NLU_TASKS: tasks.join(',') } });
  }
  if (wanted.includes('generator-worker')) {
    for (const generator of options.generators)
      // On one machine the LLM would take every free cycle from the NLU tasks (each reply is ~1 s of
      // both cores); in the background it gets what they leave. In Kubernetes its own pods and CPU limits do that.
      add({
        id: `gen-${generator}`,
        app: 'generator-worker',
        env: { GENERATOR: generator },
        ...(generator === 'llm' && { background: true }),
      });
  }
  if (wanted.includes('gateway')) add({ id: 'gateway', app: 'gateway', env: {} });
  return specs;
}

/** selector#3 → 3; an id without a number is its app's only (first) replica. */
export function replicaNumber(id: string): number {
  const match = /#(\d+)$/.exec(id);
  return match ? Number(match[1]) : 1;
}

function portFor(spec: AppSpec, options: LocalStackOptions): number {
  const { ports } = options;
  switch (spec.app) {
    case 'gateway':
      return ports.gateway;
    case 'analytics-sink':
      return ports.sink;
    case 'selector':
      return ports.selector;
    case 'nlu-worker':
      return ports.nluBase > 0 ? ports.nluBase + options.nluWorkers.findIndex((tasks) => tasks.join(',') === spec.env.NLU_TASKS) : 0;
    case 'generator-worker':
      return ports.generatorBase > 0 ? ports.generatorBase + options.generators.indexOf(spec.env.GENERATOR) : 0;
  }
}

/** SCHED_IDLE where chrt exists: a niced process (nice 10) still took CPU from the NLU tasks under load (docs/benchmarks.md). */
function backgroundCommand(node: string[]): [string, string[]] {
  const chrt = ['/usr/bin/chrt', '/bin/chrt'].find((path) => existsSync(path));
  return chrt ? [chrt, ['--idle', '0', ...node]] : ['nice', ['-n', '19', ...node]];
}

function launch(root: string, spec: AppSpec, port: number, env: Record<string, string>, options: LocalStackOptions): RunningApp {
  const logPath = join(options.dataDir, 'logs', `${spec.id}.log`);
  mkdirSync(join(options.dataDir, 'logs'), { recursive: true });
  const logStream = createWriteStream(logPath, { flags: 'a' });
  const main = join(root, 'dist', 'apps', spec.app, 'src', 'main.js');
  // chrt and nice exec node in place, so the pid stays the app's.
  const node = [process.execPath, ...(options.nodeArgs ?? []), main];
  const [command, args] = spec.background ? backgroundCommand(node) : [node[0], node.slice(1)];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env, EXIT_WITH_PARENT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches the launcher alone, which then stops apps in order.
    detached: true,
  });
  const app: RunningApp = { spec, port, process: child, log: logStream, env, lastOutputAt: Date.now() };
  const forward = (chunk: Buffer) => {
    app.lastOutputAt = Date.now();
    logStream.write(chunk);
    if (options.echo) for (const line of chunk.toString().split('\n')) if (line.trim()) log(spec.id, line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return app;
}

/**
 * Until the app's /readyz answers. It fails when the app has been silent for `timeoutMs` (an app
 * building its index prints progress every few seconds and may take minutes after a data edit), or
 * after READY_CAP_MS in all.
 */
async function waitReady(app: RunningApp, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const url = `http://127.0.0.1:${app.port}/readyz`;
  while (Date.now() - Math.max(started, app.lastOutputAt) < timeoutMs && Date.now() - started < READY_CAP_MS) {
    if (app.process.exitCode !== null) throw new Error(`${app.spec.id} exited with code ${app.process.exitCode}; see its log`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${app.spec.id} was not ready within ${Math.round((Date.now() - started) / 1000)} s, silent for the last ${Math.round((Date.now() - app.lastOutputAt) / 1000)} s (${url}); see its log`,
  );
}

const READY_CAP_MS = 15 * 60_000;

/** SIGTERM for a graceful drain; SIGKILL if it does not exit in time. */
/** SIGTERM, then SIGKILL after graceMs; graceMs 0 is a crash (SIGKILL at once). */
export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(graceMs === 0 ? 'SIGKILL' : 'SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function log(name: string, line: string): void {
  process.stdout.write(`[${name}] ${line}\n`);
}
