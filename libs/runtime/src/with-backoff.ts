/**
 * Runs `attempt` until it succeeds or `timeoutMs` has passed, waiting 0.5 s, 1 s, 2 s … (at most
 * 10 s) between tries: an app starting before its broker or database waits for them instead of
 * crashing into a restart loop. The last error is thrown when time is up.
 */
export async function withBackoff<T>(
  what: string,
  attempt: () => Promise<T>,
  options: { timeoutMs?: number; log?: (line: string) => void; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = Date.now();
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const waitMs = Math.min(10_000, 500 * 2 ** (tries - 1));
      if (Date.now() - started + waitMs > timeoutMs) throw error;
      options.log?.(`${what} not ready (try ${tries}: ${(error as Error).message}); again in ${waitMs / 1000} s`);
      await sleep(waitMs);
    }
  }
}
