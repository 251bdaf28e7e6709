import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file that holds models/ and package.json. */
export function projectRoot(): string {
  let dir = __dirname;
  while (dirname(dir) !== dir) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no project root above ${__dirname}`);
}

/** Where manifests, trained heads and model cards live (committed). */
export function defaultModelsDir(): string {
  return process.env.MODELS_DIR ? resolve(process.env.MODELS_DIR) : join(projectRoot(), 'models');
}

/** Where fetched weights live (ignored by git). */
export function defaultModelCacheDir(): string {
  return process.env.MODEL_CACHE_DIR ? resolve(process.env.MODEL_CACHE_DIR) : join(projectRoot(), '.cache', 'models');
}
