import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '@app/config';

const levelNames: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** Builds the kafkajs client from validated config; SASL/TLS come from env (Secrets in k8s). */
export function createKafkaClient(config: KafkaConfig, clientId = config.KAFKA_CLIENT_ID): Kafka {
  const options: KafkaJsConfig = {
    clientId,
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => {
      const logger = new Logger('kafkajs');
      return ({ level, log }) => {
        const { message, ...extra } = log;
        logger[levelNames[level] ?? 'log'](`${message} ${JSON.stringify(extra)}`);
      };
    },
  };
  if (config.KAFKA_SASL_MECHANISM) {
    options.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME ?? '',
      password: config.KAFKA_SASL_PASSWORD ?? '',
    } as SASLOptions;
  }
  return new Kafka(options);
}
