import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../local-stack';

/**
 * Every app of the pipeline on this machine for a measurement run (bench, chaos): the NLU workers,
 * the given generators, no sign-in and no practical rate limit (the load comes from a few ids),
 * quiet logs, its own topic prefix and data directory.
 */
export function startWholeStack(
  name: string,
  options: {
    root: string;
    generators: string[];
    nluWorkers: string[][];
    kafkaPort?: number;
    env?: Record<string, string>;
    appEnv?: LocalStackOptions['appEnv'];
    replicas?: LocalStackOptions['replicas'];
    readyTimeoutMs?: number;
    nodeArgs?: string[];
    log: (line: string) => void;
  },
): Promise<LocalStack> {
  const workers = options.nluWorkers.map((tasks) => tasks.join('+')).join(', ');
  const replicas = Object.entries(options.replicas ?? {})
    .map(([app, n]) => `${app} ×${n}`)
    .join(', ');
  options.log(
    `starting the pipeline: NLU workers ${workers}; generators ${options.generators.join(', ') || 'none'}${replicas ? `; ${replicas}` : ''} ...`,
  );
  return startLocalStack({
    dataDir: join(options.root, '.data', `${name}-${process.pid}`),
    kafkaPort: options.kafkaPort,
    ports: { gateway: 0, grpc: 0, sink: 0, selector: 0, nluBase: 0, generatorBase: 0 },
    nluWorkers: options.nluWorkers,
    generators: options.generators,
    topicPrefix: `${name}.`,
    appEnv: options.appEnv,
    replicas: options.replicas,
    readyTimeoutMs: options.readyTimeoutMs,
    nodeArgs: options.nodeArgs,
    env: {
      GATEWAY_AUTH: 'off',
      ANALYTICS_AUTH: 'off',
      RATE_LIMIT_USER_PER_SECOND: '100000',
      RATE_LIMIT_USER_BURST: '100000',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
}
