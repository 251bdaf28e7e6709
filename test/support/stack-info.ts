import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What global-setup started, for the test files (they run in other module registries). */
export interface StackInfo {
  dataDir: string;
  kafkaBrokers: string;
  topicPrefix: string;
  gatewayUrl: string;
  grpcAddress: string;
  sinkUrl: string;
  urls: Record<string, string>;
  /** The generators this stack runs. */
  generators: string[];
  /** The NLU processes it runs: the tasks each serves. */
  nluWorkers: string[][];
}

export const STACK_INFO_FILE = join(__dirname, '..', '..', '.data', 'test-stack.json');

export function stackInfo(): StackInfo {
  return JSON.parse(readFileSync(STACK_INFO_FILE, 'utf8')) as StackInfo;
}
