import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeTool, pretendMachine, removePretendMachines } from './support/pretend-machine';

/**
 * scripts/prereqs.sh run on a pretend machine: a copy of the scripts it asks, a PATH holding only fake
 * tools, and a fake `id` and `sudo` deciding whether it may install.
 */
const SCRIPTS = ['prereqs.sh', 'kafka-fetch.sh', 'k8s-validate.sh'];
const KAFKA_VERSION = '9.9.9';
const STRIMZI_VERSION = /^STRIMZI_VERSION=(\S+)/m.exec(readFileSync(join(__dirname, 'k8s-validate.sh'), 'utf8'))![1];
/** Real tools the scripts use beyond the ones under test. */
const SYSTEM_TOOLS = ['dirname', 'env', 'date'];

type Tool = 'java' | 'mvn' | 'python3' | 'pip' | 'chromium' | 'apt-get';
interface Machine {
  tools: Tool[];
  uid?: number;
  sudo?: 'none' | 'passwordless' | 'password';
  cached?: ('kafka' | 'strimzi')[];
  env?: Record<string, string>;
}
const ALL: Tool[] = ['java', 'mvn', 'python3', 'pip', 'chromium', 'apt-get'];

afterAll(removePretendMachines);

function machine({ tools, uid = 1000, sudo = 'none', cached = [], env = {} }: Machine) {
  const { root, bin } = pretendMachine('prereqs', SCRIPTS, SYSTEM_TOOLS);
  if (cached.includes('kafka')) {
    mkdirSync(join(root, `.cache/kafka/${KAFKA_VERSION}/libs`), { recursive: true });
    writeFileSync(join(root, `.cache/kafka/${KAFKA_VERSION}/libs/.complete`), '');
  }
  if (cached.includes('strimzi')) {
    mkdirSync(join(root, '.cache/k8s/downloads'), { recursive: true });
    writeFileSync(join(root, `.cache/k8s/downloads/strimzi-api-${STRIMZI_VERSION}-tests.jar`), '');
  }
  for (const tool of ['java', 'mvn', 'chromium'] as const) if (tools.includes(tool)) fakeTool(bin, tool, 'exit 0');
  // python3 without pip fails `python3 -m pip --version`, as on a stock Debian.
  if (tools.includes('python3')) fakeTool(bin, 'python3', `exit ${tools.includes('pip') ? 0 : 1}`);
  // apt-get records how it was called; `install chromium` puts a chromium on PATH, as the real one would.
  if (tools.includes('apt-get'))
    fakeTool(
      bin,
      'apt-get',
      `echo "$*" >> "${root}/apt.log"\ncase "$*" in *chromium*) printf 'exit 0\\n' > "${bin}/chromium"; /bin/chmod +x "${bin}/chromium";; esac`,
    );
  fakeTool(bin, 'id', `echo ${uid}`);
  if (sudo !== 'none') fakeTool(bin, 'sudo', `exit ${sudo === 'passwordless' ? 0 : 1}`);

  return {
    root,
    run(...args: string[]) {
      const result = spawnSync('/bin/bash', [join(root, 'scripts/prereqs.sh'), ...args], {
        env: { PATH: bin, KAFKA_VERSION, ...env },
        encoding: 'utf8',
      });
      return { status: result.status, output: result.stdout + result.stderr };
    },
    aptCalls: () => (existsSync(join(root, 'apt.log')) ? readFileSync(join(root, 'apt.log'), 'utf8').trim().split('\n') : []),
  };
}

describe('scripts/prereqs.sh', () => {
  it('installs nothing and needs no root when everything is there', () => {
    const { status, output } = machine({ tools: ALL }).run('test', '--dry-run');
    expect(status).toBe(0);
    expect(output).toBe('[setup] system packages for npm test: all present\n');
  });

  it('wants Chromium for npm test only', () => {
    const box = machine({ tools: ALL.filter((tool) => tool !== 'chromium'), uid: 0 });
    const test = box.run('test', '--dry-run');
    expect(test.status).toBe(0);
    expect(test.output).toContain('[setup] npm test needs Chromium: not found');
    expect(test.output).toContain('would run: apt-get update && env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium\n');
    expect(box.run('start', '--dry-run')).toEqual({ status: 0, output: '[setup] system packages for npm start: all present\n' });
  });

  it('as root, would install exactly the missing packages with apt-get', () => {
    const { status, output } = machine({ tools: ['apt-get'], uid: 0 }).run('start', '--dry-run');
    expect(status).toBe(0);
    expect(output).toContain('npm start needs Java 17+, Maven, Python 3 with pip: not found');
    expect(output).toMatch(
      /would run: apt-get update && env DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless maven python3-pip\n$/,
    );
  });

  it('asks for pip when python3 has none', () => {
    const { output } = machine({ tools: ['java', 'mvn', 'python3', 'apt-get'], uid: 0 }).run('start', '--dry-run');
    expect(output).toMatch(/apt-get install -y python3-pip\n$/);
  });

  it('takes JAVA_HOME and CHROMIUM_PATH as found', () => {
    const { root: elsewhere } = pretendMachine('prereqs-elsewhere', [], []);
    fakeTool(join(elsewhere, 'jdk/bin'), 'java', 'exit 0');
    fakeTool(elsewhere, 'chrome', 'exit 0');
    const env = { JAVA_HOME: join(elsewhere, 'jdk'), CHROMIUM_PATH: join(elsewhere, 'chrome') };
    expect(machine({ tools: ['mvn', 'python3', 'pip'], env }).run('test', '--dry-run').output).toBe(
      '[setup] system packages for npm test: all present\n',
    );
  });

  it('wants Maven only while the jars it fetches are not cached', () => {
    const tools: Tool[] = ['java', 'python3', 'pip', 'chromium', 'apt-get'];
    expect(machine({ tools, uid: 0, cached: ['kafka'] }).run('start', '--dry-run').output).toContain('all present');
    // npm test's manifest check also fetches Strimzi's CRDs with Maven.
    expect(machine({ tools, uid: 0, cached: ['kafka'] }).run('test', '--dry-run').output).toMatch(/apt-get install -y maven\n$/);
    expect(machine({ tools, uid: 0, cached: ['kafka', 'strimzi'] }).run('test', '--dry-run').output).toContain('all present');
    expect(machine({ tools, uid: 0, cached: ['strimzi'] }).run('test', '--dry-run').output).toMatch(/apt-get install -y maven\n$/);
  });

  it.each(['none', 'password'] as const)('without root and with sudo %s, stops with the one command to run', (sudo) => {
    const box = machine({ tools: ['python3', 'pip', 'mvn', 'apt-get'], sudo });
    const { status, output } = box.run('test', '--dry-run');
    expect(status).toBe(1);
    expect(output).toContain('not root and no passwordless sudo: run this, then npm test again:\n');
    expect(output).toContain('  sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless chromium\n');
    expect(output).not.toContain('would run');
    // The same without --dry-run: it stops before apt-get.
    expect(box.run('test').status).toBe(1);
    expect(box.aptCalls()).toEqual([]);
  });

  it('uses passwordless sudo when not root', () => {
    const { status, output } = machine({ tools: ['java', 'mvn', 'python3', 'pip', 'apt-get'], sudo: 'passwordless' }).run(
      'test',
      '--dry-run',
    );
    expect(status).toBe(0);
    expect(output).toContain(
      'would run: sudo -n apt-get update && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium\n',
    );
  });

  it('stops with the list when there is no apt-get', () => {
    const { status, output } = machine({ tools: ['java', 'mvn'], uid: 0 }).run('test', '--dry-run');
    expect(status).toBe(1);
    expect(output).toContain('no apt-get here (not Debian/Ubuntu): install Python 3 with pip, Chromium yourself, then run npm test again');
  });

  it('installs as root, then checks again', () => {
    const box = machine({ tools: ['java', 'mvn', 'python3', 'pip', 'apt-get'], uid: 0 });
    const { status, output } = box.run('test');
    expect(box.aptCalls()).toEqual(['update', 'install -y chromium']);
    expect(output).toContain('[setup] installing chromium with apt-get');
    expect(output).toMatch(/system packages installed \(\d+s\)\n$/);
    expect(status).toBe(0);
    expect(box.run('test').output).toBe('[setup] system packages for npm test: all present\n');
  });

  it('fails when apt-get did not bring what was missing', () => {
    const box = machine({ tools: ['mvn', 'python3', 'pip', 'chromium', 'apt-get'], uid: 0 });
    const { status, output } = box.run('start');
    expect(box.aptCalls()).toEqual(['update', 'install -y openjdk-17-jre-headless']);
    expect(status).toBe(1);
    expect(output).toContain('still missing after apt-get: Java 17+');
  });

  it('refuses an unknown mode', () => {
    expect(machine({ tools: ALL }).run('deploy').status).toBe(2);
    expect(machine({ tools: ALL }).run('--dry-run').status).toBe(2);
  });
});
