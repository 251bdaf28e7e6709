import { join } from 'node:path';
import type { LocalStack, LocalStackOptions, startLocalStack as StartLocalStack } from '../../scripts/local-stack';
import { stackInfo } from './stack-info';

/**
 * A pipeline of a test's own on the shared broker: its own topic prefix (so its groups and topics
 * meet nothing of the main stack's), its own data and logs under the run's data directory.
 */
export function startSideStack(
  name: string,
  options: Pick<LocalStackOptions, 'nluWorkers' | 'generators' | 'apps'> & { env?: Record<string, string> },
): Promise<LocalStack> {
  const shared = stackInfo();
  // The apps run from dist (built by scripts/test.sh), so the launcher does too.
  const { startLocalStack } = require('../../dist/scripts/local-stack.js') as { startLocalStack: typeof StartLocalStack };
  return startLocalStack({
    dataDir: join(shared.dataDir, name),
    kafkaBrokers: shared.kafkaBrokers,
    ports: { gateway: 0, grpc: 0, sink: 0, selector: 0, nluBase: 0, generatorBase: 0 },
    topicPrefix: sidePrefix(name),
    ...options,
    env: { ...OPEN_ACCESS, ...options.env },
  });
}

/** No sign-in and no practical rate limit: for tests about other things. */
export const OPEN_ACCESS = {
  GATEWAY_AUTH: 'off',
  ANALYTICS_AUTH: 'off',
  RATE_LIMIT_USER_PER_SECOND: '10000',
  RATE_LIMIT_USER_BURST: '10000',
};

/** The topic prefix of a side stack, e.g. for a test that produces or consumes its topics directly. */
export const sidePrefix = (name: string) => `${name.replace(/[^a-z0-9]/gi, '')}${process.pid}.`;
