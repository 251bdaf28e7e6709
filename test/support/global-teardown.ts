import { rmSync } from 'node:fs';
import { STACK_INFO_FILE } from './stack-info';

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__STACK__;
  globalThis.__STACK__ = undefined;
  await stack?.stop();
  rmSync(STACK_INFO_FILE, { force: true });
}
