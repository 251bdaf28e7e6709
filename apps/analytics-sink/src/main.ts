import { runHttpApp } from '@app/runtime';
import { analyticsSinkConfigSchema } from './analytics-sink.config';
import { AnalyticsSinkModule } from './analytics-sink.module';

void runHttpApp('analytics-sink', AnalyticsSinkModule, analyticsSinkConfigSchema);
