import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { NluConsumerService } from './nlu-consumer.service';
import { NLU_TASK } from './nlu-task.token';
import { nluWorkerConfigSchema, type NluWorkerConfig } from './nlu-worker.config';
import { createTask } from './tasks/task-registry';

@Module({
  imports: [AppConfigModule.forRoot(nluWorkerConfigSchema), MetricsModule.forRoot('nlu-worker'), KafkaModule],
  providers: [
    { provide: NLU_TASK, inject: [APP_CONFIG], useFactory: (config: NluWorkerConfig) => createTask(config.TASK) },
    NluConsumerService,
  ],
})
export class NluWorkerModule {}
