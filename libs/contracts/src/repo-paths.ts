import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding the project's package.json, found from this file (works from src and dist). */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'proto'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The gRPC API contract, loaded at run time by the gateway and its clients. */
export function chatProtoPath(): string {
  return join(repoRoot(), 'proto', 'chat', 'v1', 'chat.proto');
}
