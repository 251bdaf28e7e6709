import type { INestApplication } from '@nestjs/common';

/**
 * When a local launcher runs this app (EXIT_WITH_PARENT=1) and dies without stopping it,
 * shut down gracefully instead of living on as an orphan.
 */
export function exitWithParent(app: INestApplication, env = process.env): void {
  if (env.EXIT_WITH_PARENT !== '1') return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    void app.close().finally(() => process.exit(0));
  }, 1000);
  timer.unref();
}
