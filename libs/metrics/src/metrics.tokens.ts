/** The prom-client registry of this process. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
