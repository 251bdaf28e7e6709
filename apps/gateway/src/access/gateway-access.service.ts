import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { APP_CONFIG } from '@app/config';
import { METRICS_REGISTRY } from '@app/metrics';
import type { GatewayConfig } from '../gateway.config';
import { RateLimitedError, RateLimiter } from './rate-limiter';
import { authenticate, parseApiKeys, type ApiKey } from '@app/access';

/** Who may send messages, and how many: API keys (unless GATEWAY_AUTH=off) and per-user/per-key limits. */
@Injectable()
export class GatewayAccess {
  private readonly keys: ApiKey[];
  private readonly limiter: RateLimiter;
  private readonly refused: Counter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    // A malformed key stops start-up here, with the setting named.
    this.keys = config.GATEWAY_AUTH === 'off' ? [] : parseApiKeys(config.GATEWAY_API_KEYS);
    this.limiter = new RateLimiter({
      userPerSecond: config.RATE_LIMIT_USER_PER_SECOND,
      userBurst: config.RATE_LIMIT_USER_BURST,
      keyPerSecond: config.RATE_LIMIT_KEY_PER_SECOND,
      keyBurst: config.RATE_LIMIT_KEY_BURST,
    });
    this.refused = new Counter({
      name: 'gateway_refused_total',
      help: 'Messages refused before acceptance, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  /** The caller's key name (undefined when auth is off); throws UnauthorizedError. */
  authenticate(credential: string | undefined): string | undefined {
    if (this.config.GATEWAY_AUTH === 'off') return undefined;
    try {
      return authenticate(this.keys, credential).name;
    } catch (error) {
      this.refused.inc({ reason: 'unauthorized' });
      throw error;
    }
  }

  /** Throws RateLimitedError when this user or key is over its limit. */
  limit(userId: string, keyName: string | undefined): void {
    try {
      this.limiter.check(userId, keyName);
    } catch (error) {
      if (error instanceof RateLimitedError) this.refused.inc({ reason: `rate_limited_${error.scope}` });
      throw error;
    }
  }
}
