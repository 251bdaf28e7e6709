export * from './metrics.module';
export * from './metrics.tokens';
export * from './readiness.service';
