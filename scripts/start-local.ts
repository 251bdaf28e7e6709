/** `npm start`: the whole pipeline on this machine, until Ctrl-C or SIGTERM. */
import { resolve } from 'node:path';
import { DEFAULT_NLU_LAYOUT, parseNluWorkers, startLocalStack } from './local-stack';

const env = process.env;
const offset = Number(env.PORT_OFFSET ?? 0);
const port = (name: string, fallback: number) => Number(env[name] ?? fallback + offset);

async function main(): Promise<void> {
  const stack = await startLocalStack({
    dataDir: resolve(env.DATA_DIR ?? '.data'),
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaPort: port('KAFKA_PORT', 9092),
    ports: {
      gateway: port('GATEWAY_PORT', 3000),
      grpc: port('GRPC_PORT', 50051),
      sink: port('SINK_PORT', 3300),
      selector: port('SELECTOR_PORT', 3200),
      nluBase: port('NLU_PORT_BASE', 3100),
      generatorBase: port('GENERATOR_PORT_BASE', 3400),
    },
    // NLU_WORKERS=per-task, or e.g. intent+emotion,language: which tasks each NLU process serves.
    nluWorkers: parseNluWorkers(env.NLU_WORKERS ?? DEFAULT_NLU_LAYOUT),
    // GENERATORS=retrieval leaves the LLM out (it needs most of a small machine's CPU).
    generators: (env.GENERATORS ?? 'retrieval,llm').split(',').filter(Boolean),
    topicPrefix: env.TOPIC_PREFIX,
    // This machine only: no sign-in unless asked for (GATEWAY_AUTH=api-key GATEWAY_API_KEYS=… npm start).
    env: { GATEWAY_AUTH: env.GATEWAY_AUTH ?? 'off', ANALYTICS_AUTH: env.ANALYTICS_AUTH ?? 'off' },
    echo: env.STACK_QUIET !== '1',
  });
  const lines = [
    '',
    'The bot is up. Talk to it:',
    `  HTTP   POST ${stack.gatewayUrl}/v1/messages`,
    `         curl -s ${stack.gatewayUrl}/v1/messages -H 'content-type: application/json' \\`,
    `              -d '{"conversationId":"c1","userId":"u1","text":"I had an awful day"}'`,
    `  gRPC   ${stack.grpcAddress}  chat.v1.ChatService/SendMessage, /Converse`,
    `  Stored rows for a message:  ${stack.sinkUrl}/v1/analytics/messages/<messageId>`,
    `  Kafka  ${stack.kafkaBrokers}`,
    '  Health and metrics on every app: /healthz /readyz /metrics',
    ...stack.apps.map((app) => `    ${app.spec.id.padEnd(16)} http://127.0.0.1:${app.port}`),
    'Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the apps, then Kafka ...`);
    stack.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(`start failed: ${error.message}`);
  process.exit(1);
});
