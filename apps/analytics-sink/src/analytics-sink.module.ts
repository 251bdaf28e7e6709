import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { KafkaModule } from '@app/kafka';
import { MetricsModule } from '@app/metrics';
import { AnalyticsAuthMiddleware } from './analytics-auth.middleware';
import { AnalyticsController, DashboardController } from './analytics.controller';
import { analyticsSinkConfigSchema } from './analytics-sink.config';
import { ClickHouseStore } from './clickhouse.provider';
import { EngagementSummaryReader } from './engagement-summary';
import { PhysicalCountsReader } from './physical-counts';
import { SinkConsumerService } from './sink-consumer.service';

@Module({
  imports: [AppConfigModule.forRoot(analyticsSinkConfigSchema), MetricsModule.forRoot('analytics-sink'), KafkaModule],
  controllers: [AnalyticsController, DashboardController],
  providers: [ClickHouseStore, EngagementSummaryReader, PhysicalCountsReader, SinkConsumerService],
})
export class AnalyticsSinkModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AnalyticsAuthMiddleware).forRoutes(AnalyticsController, DashboardController);
  }
}
