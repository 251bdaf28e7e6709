import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fakeTool, pretendMachine, removePretendMachines } from './support/pretend-machine';

/**
 * scripts/go-fetch.sh deciding which Go the manifest check uses, on a pretend machine: a PATH with
 * only fake `go` binaries (each answering `go env GOVERSION`) and the few real tools it needs.
 * Only --dry-run: nothing is downloaded.
 */
const SYSTEM_TOOLS = ['dirname', 'sort', 'head', 'uname'];
afterAll(removePretendMachines);

function fakeGo(path: string, version: string): void {
  fakeTool(dirname(path), basename(path), `[ "$1 $2" = "env GOVERSION" ] && echo go${version}`);
}

/** Runs the script with a `go` of `onPath` on PATH, `system` in the /usr/local/go stand-in, `cached` in the cache. */
function decide({ onPath, system, cached }: { onPath?: string; system?: string; cached?: string }) {
  const { root, bin } = pretendMachine('go-fetch', ['go-fetch.sh'], SYSTEM_TOOLS);
  if (onPath) fakeGo(join(bin, 'go'), onPath);
  const systemGo = join(root, 'usr-local-go', 'bin', 'go');
  if (system) fakeGo(systemGo, system);
  const cache = join(root, 'cache');
  if (cached) fakeGo(join(cache, 'go1.26.8', 'bin', 'go'), cached);
  const run = spawnSync('/bin/bash', [join(root, 'scripts', 'go-fetch.sh'), '--dry-run'], {
    env: { PATH: bin, GO_FETCH_SYSTEM_GO: systemGo, GO_FETCH_CACHE: cache },
    encoding: 'utf8',
  });
  return { status: run.status, go: run.stdout.trim().replace(root, '<root>'), log: run.stderr };
}

describe('scripts/go-fetch.sh', () => {
  it('uses the go on PATH when it is new enough', () => {
    expect(decide({ onPath: '1.26.3', system: '1.27.0' })).toMatchObject({ status: 0, go: '<root>/bin/go', log: '' });
  });

  it('passes over an older go for the one in /usr/local/go', () => {
    expect(decide({ onPath: '1.25.9', system: '1.26.0' })).toMatchObject({ status: 0, go: '<root>/usr-local-go/bin/go' });
  });

  it('uses a toolchain fetched before', () => {
    expect(decide({ onPath: '1.19.8', cached: '1.26.8' })).toMatchObject({ status: 0, go: '<root>/cache/go1.26.8/bin/go', log: '' });
  });

  it('would fetch the pinned toolchain from the module proxy when no Go is new enough', () => {
    const run = decide({ onPath: '1.19.8' });
    expect(run.status).toBe(0);
    expect(run.go).toBe('<root>/cache/go1.26.8/bin/go');
    expect(run.log).toContain(
      'would fetch Go 1.26.8 from https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.26.8.linux-amd64.zip',
    );
  });

  it('treats a go that does not answer as missing', () => {
    const run = decide({ onPath: 'garbage' });
    expect(run.log).toContain('would fetch');
  });
});
