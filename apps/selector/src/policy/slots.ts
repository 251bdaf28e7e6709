import type { ConversationState } from '@app/contracts';
import type { Signals } from '@app/dialogue-state';
import type { SlotValues } from './reply-templates';

/**
 * Slot values for a reply: the user's name, the entities of this message (first) and of the
 * conversation, and the clock in the configured time zone.
 */
export function slotValues(
  state: ConversationState | undefined,
  signals: Signals,
  userName: string,
  now: Date,
  timeZone: string,
): SlotValues {
  const latest = (kind: string) =>
    signals.entities.find((e) => e.kind === kind)?.text ?? state?.mentions.find((m) => m.kind === kind)?.text;
  const format = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', { timeZone, ...options }).format(now);
  return {
    name: userName || undefined,
    mention: signals.entities[0]?.text ?? state?.mentions[0]?.text,
    person: latest('person'),
    place: latest('place'),
    thing: latest('thing'),
    time: format({ hour: 'numeric', minute: '2-digit' }),
    date: format({ month: 'long', day: 'numeric' }),
    weekday: format({ weekday: 'long' }),
  };
}
