import { Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { AnalyticsController } from './analytics.controller';
import { analyticsSinkConfigSchema } from './analytics-sink.config';
import { ClickHouseStore } from './clickhouse.provider';
import { SinkConsumerService } from './sink-consumer.service';

@Module({
  imports: [AppConfigModule.forRoot(analyticsSinkConfigSchema), MetricsModule.forRoot('analytics-sink'), KafkaModule],
  controllers: [AnalyticsController],
  providers: [ClickHouseStore, SinkConsumerService],
})
export class AnalyticsSinkModule {}
