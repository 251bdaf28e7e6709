import { Injectable } from '@nestjs/common';

type Check = () => boolean;

/** Components register what they need to be ready; /readyz is 200 only when all say yes. */
@Injectable()
export class ReadinessService {
  private readonly checks = new Map<string, Check>();

  register(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  report(): { ready: boolean; checks: Record<string, boolean> } {
    const checks: Record<string, boolean> = {};
    for (const [name, check] of this.checks) checks[name] = safe(check);
    return { ready: this.checks.size > 0 && Object.values(checks).every(Boolean), checks };
  }
}

function safe(check: Check): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
