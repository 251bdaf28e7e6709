import { Logger, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { GeneratorConsumerService } from './generator-consumer.service';
import { generatorWorkerConfigSchema, type GeneratorWorkerConfig } from './generator-worker.config';
import { createGenerator } from './generators/generator-registry';
import { REPLY_GENERATOR } from './reply-generator.token';

@Module({
  imports: [AppConfigModule.forRoot(generatorWorkerConfigSchema), MetricsModule.forRoot('generator-worker'), KafkaModule],
  providers: [
    {
      provide: REPLY_GENERATOR,
      inject: [APP_CONFIG],
      useFactory: (config: GeneratorWorkerConfig) => {
        const logger = new Logger(`generator:${config.GENERATOR}`);
        return createGenerator(config.GENERATOR, config, (line) => logger.log(line));
      },
    },
    GeneratorConsumerService,
  ],
})
export class GeneratorWorkerModule {}
