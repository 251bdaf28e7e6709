export * from './load-config';
export * from './common.schema';
export * from './config.module';
