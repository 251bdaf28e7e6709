import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { NluConsumerService } from './nlu-consumer.service';
import { nluModelsProvider } from './nlu-model.provider';
import { nluWorkerConfigSchema } from './nlu-worker.config';

@Module({
  imports: [AppConfigModule.forRoot(nluWorkerConfigSchema), MetricsModule.forRoot('nlu-worker'), KafkaModule],
  providers: [nluModelsProvider, NluConsumerService],
})
export class NluWorkerModule {}
