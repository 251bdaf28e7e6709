/**
 * Runs a real single-node Apache Kafka broker (KRaft, combined broker+controller) from the
 * jars that scripts/kafka-fetch.sh puts in .cache/kafka/<version>/libs. Used for local runs
 * and integration tests, so there is no Docker and no ZooKeeper.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Pinned Kafka release. Single source of truth: scripts/kafka-fetch.sh reads this line with
 * sed (keep it a plain string literal on one line), and passes it to scripts/kafka/pom.xml.
 */
export const KAFKA_VERSION = '4.1.1';

export interface LocalKafkaOptions {
  /** log.dirs + metadata; created if missing. Reusing it keeps topics and offsets. */
  dataDir: string;
  /** Client (PLAINTEXT) listener on 127.0.0.1; 0 or undefined = pick a free port. */
  port?: number;
  /** KRaft controller listener on 127.0.0.1; 0 or undefined = pick a free port. */
  controllerPort?: number;
  /** Default: <repoRoot>/.cache/kafka/<KAFKA_VERSION>/libs */
  libsDir?: string;
  /** Default: $JAVA_HOME/bin/java or `java` on PATH. Kafka 4.x needs Java 17+. */
  javaBin?: string;
  /** Max heap in MiB (default 512). */
  heapMb?: number;
  /** Broker stdout/stderr is appended here (default <dataDir>/broker.log). */
  logFile?: string;
  /** Default 60000. Covers storage format + JVM start + first successful client call. */
  startTimeoutMs?: number;
  /** Called with each broker log line (the file is still written). */
  onLog?: (line: string) => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const HOST = '127.0.0.1';
const NODE_ID = 1;
const STOP_GRACE_MS = 20_000;

/** Folder holding the repo's package.json, found by walking up from this file. */
export function repoRoot(): string {
  let dir = __dirname;
  let firstPackageDir: string | undefined;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      // Prefer the folder that also has the Kafka pom: a build output folder (dist/) can
      // carry a copied package.json, and .cache/ lives next to the real one.
      if (fs.existsSync(path.join(dir, 'scripts', 'kafka', 'pom.xml'))) return dir;
      firstPackageDir ??= dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (firstPackageDir) return firstPackageDir;
  throw new Error(`local-kafka: no package.json found above ${__dirname}`);
}

export function defaultLibsDir(): string {
  return path.join(repoRoot(), '.cache', 'kafka', KAFKA_VERSION, 'libs');
}

/** Reserve distinct free ports on 127.0.0.1 (all held open at once so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/** Kafka cluster ids are 16 random bytes, base64url without padding (like `kafka-storage random-uuid`). */
function newClusterId(): string {
  // Like Kafka's Uuid.randomUuid, never start with '-': the storage tool would read it as an option.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Java .properties values treat backslash as an escape. */
function propValue(v: string | number): string {
  return String(v).replace(/\\/g, '\\\\');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * What to show when start fails: the first ERROR / "Caused by" lines written by this run
 * (the root cause, e.g. a port bind failure, is followed by hundreds of shutdown lines) and
 * the last lines of the log.
 */
function logExcerpt(file: string, fromOffset: number): string {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const start = Math.max(fromOffset, size - 512 * 1024);
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      text = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(no broker log)';
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  const errors = lines.filter((l) => /^\[[^\]]+\] (ERROR|FATAL) |^Caused by: |^Error: |^Exception /.test(l)).slice(0, 12);
  return [...(errors.length ? ['--- first errors ---', ...errors] : []), '--- last lines ---', ...lines.slice(-15)].join('\n');
}

export class LocalKafkaBroker {
  private readonly dataDir: string;
  private readonly logDir: string;
  private readonly libsDir: string;
  private readonly javaBin: string;
  private readonly heapMb: number;
  private readonly logFile: string;
  private readonly startTimeoutMs: number;
  private readonly onLog?: (line: string) => void;

  private clientPort?: number;
  private ctrlPort?: number;
  private child?: ChildProcess;
  private watchdog?: ChildProcess;
  private exitInfo?: ExitInfo;
  private exited?: Promise<ExitInfo>;
  private startPromise?: Promise<void>;
  private stopPromise?: Promise<void>;
  /** Log file size when this start() began, so failures quote only this run. */
  private logOffset = 0;

  // Synchronous last resort when the Node process exits without calling stop().
  private readonly onParentExit = (): void => {
    if (this.child && !this.exitInfo) this.child.kill('SIGTERM');
  };

  constructor(private readonly options: LocalKafkaOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.logDir = path.join(this.dataDir, 'kraft-logs');
    this.libsDir = path.resolve(options.libsDir ?? defaultLibsDir());
    this.javaBin = options.javaBin ?? (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
    this.heapMb = options.heapMb ?? 512;
    this.logFile = path.resolve(options.logFile ?? path.join(this.dataDir, 'broker.log'));
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.onLog = options.onLog;
  }

  /** "127.0.0.1:<port>"; valid after start(). */
  get bootstrap(): string {
    if (this.clientPort === undefined) throw new Error('LocalKafkaBroker: not started');
    return `${HOST}:${this.clientPort}`;
  }

  get port(): number | undefined {
    return this.clientPort;
  }

  get controllerPort(): number | undefined {
    return this.ctrlPort;
  }

  /** PID of the broker JVM while it runs (for tests / diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Exit code/signal once the JVM has exited. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Resolves when the broker JVM exits (immediately if it is not running). */
  async waitForExit(): Promise<ExitInfo | undefined> {
    return this.exited ? await this.exited : this.exitInfo;
  }

  start(): Promise<void> {
    // Concurrent/repeated start() share one attempt until stop() or the JVM exits.
    if (this.startPromise && !this.stopPromise && !this.exitInfo) return this.startPromise;
    this.stopPromise = undefined;
    this.exitInfo = undefined;
    this.child = undefined;
    this.exited = undefined;
    this.startPromise = this.doStart().catch(async (err: unknown) => {
      await this.stop().catch(() => undefined);
      throw err;
    });
    return this.startPromise;
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStart(): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    if (!fs.existsSync(this.libsDir) || !fs.readdirSync(this.libsDir).some((f) => f.startsWith('kafka_2.13-'))) {
      throw new Error(`local-kafka: no Kafka jars in ${this.libsDir}; run \`bash scripts/kafka-fetch.sh\` (npm run kafka:fetch) first`);
    }
    fs.mkdirSync(this.logDir, { recursive: true });
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    this.logOffset = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;

    const wanted = [this.options.port ?? 0, this.options.controllerPort ?? 0];
    const free = await freePorts(wanted.filter((p) => !p).length);
    this.clientPort = wanted[0] || free.shift();
    this.ctrlPort = wanted[1] || free.shift();

    const propsFile = path.join(this.dataDir, 'server.properties');
    const log4jFile = path.join(this.dataDir, 'log4j2.properties');
    fs.writeFileSync(propsFile, this.serverProperties());
    fs.writeFileSync(log4jFile, LOG4J2_PROPERTIES);

    await this.formatIfNeeded(propsFile, log4jFile);
    // stop() called while we were formatting: do not leave a JVM behind it.
    if (this.stopPromise) throw new Error('local-kafka: stopped during start');

    this.spawnBroker(propsFile, log4jFile);
    await this.waitReady(deadline);
  }

  private serverProperties(): string {
    const props: Record<string, string | number | boolean> = {
      'process.roles': 'broker,controller',
      'node.id': NODE_ID,
      // Static voter set (not --standalone/dynamic quorum): the controller endpoint is read
      // from config on every start, so a restart on a different free port reuses the data.
      'controller.quorum.voters': `${NODE_ID}@${HOST}:${this.ctrlPort}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      // Loopback only, advertised as an IP so neither side needs DNS or the network.
      listeners: `PLAINTEXT://${HOST}:${this.clientPort},CONTROLLER://${HOST}:${this.ctrlPort}`,
      'advertised.listeners': `PLAINTEXT://${HOST}:${this.clientPort}`,
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': this.logDir,
      // Single node: every internal topic must accept replication factor 1.
      'offsets.topic.replication.factor': 1,
      'offsets.topic.num.partitions': 10,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'transaction.state.log.num.partitions': 10,
      'share.coordinator.state.topic.replication.factor': 1,
      'share.coordinator.state.topic.min.isr': 1,
      'default.replication.factor': 1,
      'min.insync.replicas': 1,
      // Tests join groups often; the default 3s delay only slows them down.
      'group.initial.rebalance.delay.ms': 0,
      'num.partitions': 3,
      'auto.create.topics.enable': false,
      'delete.topic.enable': true,
      // Small footprint: 2-core dev box shared with other services.
      'num.network.threads': 2,
      'num.io.threads': 4,
      'num.recovery.threads.per.data.dir': 1,
      'background.threads': 4,
      'log.cleaner.threads': 1,
      'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
      'log.segment.bytes': 64 * 1024 * 1024,
      'log.retention.hours': 24,
      'log.retention.check.interval.ms': 60_000,
    };
    return (
      `# Generated by libs/local-kafka (Kafka ${KAFKA_VERSION}); rewritten on every start.\n` +
      Object.entries(props)
        .map(([k, v]) => `${k}=${propValue(String(v))}`)
        .join('\n') +
      '\n'
    );
  }

  private jvmArgs(log4jFile: string, heapMb: number): string[] {
    return [
      `-Xmx${heapMb}m`,
      // Start small and let the heap grow: keeps RSS low when idle.
      `-Xms${Math.min(heapMb, 128)}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-XX:MaxDirectMemorySize=256m',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      '-Djava.net.preferIPv4Stack=true',
      // Kafka 4.x logs through log4j2; the 3.x `-Dlog4j.configuration` is not honoured.
      `-Dlog4j2.configurationFile=${log4jFile}`,
      `-Dkafka.logs.dir=${path.dirname(this.logFile)}`,
      '-cp',
      // The JVM expands `dir/*` to every jar in dir.
      path.join(this.libsDir, '*'),
    ];
  }

  private async formatIfNeeded(propsFile: string, log4jFile: string): Promise<void> {
    // meta.properties is what the broker itself checks; present = already formatted.
    if (fs.existsSync(path.join(this.logDir, 'meta.properties'))) return;
    const idFile = path.join(this.dataDir, 'cluster-id');
    let clusterId = fs.existsSync(idFile) ? fs.readFileSync(idFile, 'utf8').trim() : '';
    if (!clusterId) {
      clusterId = newClusterId();
      fs.writeFileSync(idFile, `${clusterId}\n`);
    }
    const args = [
      ...this.jvmArgs(log4jFile, 256),
      'kafka.tools.StorageTool',
      'format',
      '--config',
      propsFile,
      '--cluster-id',
      clusterId,
      '--ignore-formatted',
    ];
    const out = fs.openSync(this.logFile, 'a');
    try {
      const info = await new Promise<ExitInfo>((resolve, reject) => {
        const p = spawn(this.javaBin, args, { stdio: ['ignore', out, out], detached: false });
        p.once('error', (err) =>
          reject(new Error(`local-kafka: cannot run ${this.javaBin} (${err.message}); install Java 17+ or set JAVA_HOME`)),
        );
        p.once('exit', (code, signal) => resolve({ code, signal }));
      });
      if (info.code !== 0) {
        throw new Error(
          `local-kafka: storage format failed (exit ${info.code ?? info.signal}); log ${this.logFile}:\n${logExcerpt(this.logFile, this.logOffset)}`,
        );
      }
    } finally {
      fs.closeSync(out);
    }
  }

  private spawnBroker(propsFile: string, log4jFile: string): void {
    // Own process group: a terminal's Ctrl-C reaches only the launcher, which stops the apps
    // first and the broker last; the watchdog still stops it if the launcher dies.
    const args = [...this.jvmArgs(log4jFile, this.heapMb), 'kafka.Kafka', propsFile];
    let child: ChildProcess;
    if (this.onLog) {
      child = spawn(this.javaBin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const file = fs.createWriteStream(this.logFile, { flags: 'a' });
      const onLog = this.onLog;
      let pending = 0;
      for (const stream of [child.stdout, child.stderr]) {
        if (!stream) continue;
        pending++;
        let buf = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          file.write(chunk);
          buf += chunk;
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          for (const line of lines) onLog(line);
        });
        stream.on('end', () => {
          if (buf) onLog(buf);
          if (--pending === 0) file.end();
        });
      }
    } else {
      // Hand the JVM the file directly: it never blocks on a Node pipe, and the log keeps
      // being written even if this process goes away.
      const out = fs.openSync(this.logFile, 'a');
      try {
        child = spawn(this.javaBin, args, { stdio: ['ignore', out, out], detached: true });
      } finally {
        fs.closeSync(out);
      }
    }
    this.child = child;
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.killWatchdog();
        process.removeListener('exit', this.onParentExit);
        resolve(this.exitInfo);
      });
      child.once('error', (err) => {
        // spawn failure (e.g. java not found): no 'exit' follows.
        this.exitInfo = { code: -1, signal: null };
        fs.appendFileSync(this.logFile, `local-kafka: cannot run ${this.javaBin}: ${err.message}\n`);
        this.killWatchdog();
        process.removeListener('exit', this.onParentExit);
        resolve(this.exitInfo);
      });
    });
    process.on('exit', this.onParentExit);
    if (child.pid) this.spawnWatchdog(child.pid);
  }

  /**
   * A crash or SIGKILL of Node skips 'exit' handlers. This tiny shell holds the read end of
   * a pipe from us; when we die the pipe hits EOF and it stops the JVM (TERM, then KILL).
   * Without it a killed Jest worker would leave a broker holding the data dir and ports.
   */
  private spawnWatchdog(pid: number): void {
    if (process.platform === 'win32') return;
    const script =
      'while read -r _; do :; done; ' +
      `kill -TERM ${pid} 2>/dev/null || exit 0; i=0; ` +
      `while kill -0 ${pid} 2>/dev/null && [ $i -lt ${STOP_GRACE_MS / 1000} ]; do sleep 1; i=$((i+1)); done; ` +
      `kill -KILL ${pid} 2>/dev/null; exit 0`;
    const wd = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: false });
    wd.on('error', () => undefined);
    // Must not keep the event loop alive on its own.
    wd.unref();
    if (wd.stdin instanceof net.Socket) wd.stdin.unref();
    this.watchdog = wd;
  }

  private killWatchdog(): void {
    const wd = this.watchdog;
    this.watchdog = undefined;
    if (!wd) return;
    // KILL first so the EOF from destroying stdin cannot trigger its kill (pid may be reused).
    wd.kill('SIGKILL');
    wd.stdin?.destroy();
  }

  private async waitReady(deadline: number): Promise<void> {
    const kafka = new Kafka({
      clientId: 'local-kafka-probe',
      brokers: [this.bootstrap],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 5000,
      retry: { retries: 0 },
    });
    let lastError = '';
    while (Date.now() < deadline) {
      if (this.stopPromise) throw new Error('local-kafka: stopped during start');
      if (this.exitInfo) {
        throw new Error(
          `local-kafka: broker exited during start (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}); log ${this.logFile}:\n${logExcerpt(this.logFile, this.logOffset)}`,
        );
      }
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        await admin.listTopics();
        if (cluster.brokers.length === 0 || cluster.controller === null) {
          lastError = 'cluster has no brokers/controller yet';
        } else {
          // FindCoordinator creates and loads __consumer_offsets. Doing it here means the
          // first consumer group of a fresh broker does not crash-and-retry on
          // COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS.
          await admin.describeGroups(['local-kafka-readiness']);
          return;
        }
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await sleep(250);
    }
    throw new Error(
      `local-kafka: broker not ready after ${this.startTimeoutMs}ms (last error: ${lastError}); log ${this.logFile}:\n${logExcerpt(this.logFile, this.logOffset)}`,
    );
  }

  private async doStop(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    if (!this.exitInfo) {
      // SIGTERM runs Kafka's shutdown hook: controlled shutdown, flush, clean-shutdown marker.
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    this.killWatchdog();
    process.removeListener('exit', this.onParentExit);
  }
}

/** Everything to stdout (which we redirect to the log file); no rolling files in dataDir. */
const LOG4J2_PROPERTIES = `# Generated by libs/local-kafka
status = warn
name = local-kafka
# log4j's own JVM shutdown hook races Kafka's and drops the controlled-shutdown log lines
# ("Unable to register Log4j shutdown hook because JVM is shutting down"); the console
# appender flushes every line, so nothing needs closing at exit.
shutdownHook = disable
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
logger.clientsconfig.name = org.apache.kafka.clients
logger.clientsconfig.level = WARN
`;
