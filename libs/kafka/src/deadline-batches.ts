import type { ConsumedEvent } from './consumed-record';
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
