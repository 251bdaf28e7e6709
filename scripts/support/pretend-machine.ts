import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A pretend machine for the set-up scripts' specs: a temporary root holding copies of the scripts
 * under test in scripts/, and a bin/ folder that is the script's whole PATH: links to the few real
 * tools it needs and fake tools written by the spec.
 */
const roots: string[] = [];

/** Removes every pretend machine made so far (call from afterAll). */
export function removePretendMachines(): void {
  roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true }));
}

export function pretendMachine(name: string, scripts: string[], systemTools: string[]): { root: string; bin: string } {
  const root = mkdtempSync(join(tmpdir(), `${name}-`));
  roots.push(root);
  const bin = join(root, 'bin');
  mkdirSync(join(root, 'scripts'), { recursive: true });
  mkdirSync(bin);
  for (const script of scripts) copyFileSync(join(__dirname, '..', script), join(root, 'scripts', script));
  for (const tool of systemTools) symlinkSync(systemTool(tool), join(bin, tool));
  return { root, bin };
}

/** Writes an executable shell script `name` into `dir` (made if missing). */
export function fakeTool(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

function systemTool(name: string): string {
  const dir = (process.env.PATH ?? '').split(delimiter).find((d) => existsSync(join(d, name)));
  if (!dir) throw new Error(`${name} not on this machine's PATH`);
  return join(dir, name);
}
