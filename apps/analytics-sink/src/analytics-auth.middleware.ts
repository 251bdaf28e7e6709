import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG } from '@app/config';
import { UnauthorizedError, authenticateBasic, parseApiKeys, type ApiKey } from '@app/access';
import type { AnalyticsSinkConfig } from './analytics-sink.config';

/**
 * The dashboard and /v1/analytics behind a sign-in (HTTP Basic, which a browser asks for and then
 * sends with the page's own requests). /healthz, /readyz and /metrics stay open for probes and
 * Prometheus inside the cluster.
 */
@Injectable()
export class AnalyticsAuthMiddleware implements NestMiddleware {
  private readonly users: ApiKey[];

  constructor(@Inject(APP_CONFIG) private readonly config: AnalyticsSinkConfig) {
    this.users = config.ANALYTICS_AUTH === 'off' ? [] : parseApiKeys(config.ANALYTICS_USERS, 'ANALYTICS_USERS');
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (this.config.ANALYTICS_AUTH === 'off') return next();
    try {
      authenticateBasic(this.users, req.headers.authorization);
      next();
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) return next(error);
      res
        .status(401)
        .set('WWW-Authenticate', 'Basic realm="sassy-social-bot analytics", charset="UTF-8"')
        .json({ error: { code: 'unauthorized', message: error.message } });
    }
  }
}
