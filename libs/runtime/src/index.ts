export * from './run-http-app';
export * from './exit-with-parent';
export * from './with-backoff';
