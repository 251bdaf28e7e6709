import type { ConsumedEvent } from './event-consumer';
import type { LogicalTopic } from '@app/contracts';

/** Splits a batch into work still worth doing and work whose deadline has passed (to skip and record). */
export function splitByDeadline<T extends LogicalTopic>(
  events: ConsumedEvent<T>[],
  now = Date.now(),
): { live: ConsumedEvent<T>[]; late: ConsumedEvent<T>[] } {
  const live: ConsumedEvent<T>[] = [];
  const late: ConsumedEvent<T>[] = [];
  for (const event of events) (event.deadlineAtMs > now ? live : late).push(event);
  return { live, late };
}

/** Consecutive slices of at most `size` items: one model call each. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
