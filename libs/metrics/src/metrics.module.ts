import { DynamicModule, Global, Module } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { HealthController } from './health.controller';
import { METRICS_REGISTRY } from './metrics.tokens';
import { ReadinessService } from './readiness.service';

/** /healthz, /readyz and /metrics for every app, and the registry its metrics live in. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(app: string): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [HealthController],
      providers: [
        ReadinessService,
        {
          provide: METRICS_REGISTRY,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ app });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
      ],
      exports: [ReadinessService, METRICS_REGISTRY],
    };
  }
}
