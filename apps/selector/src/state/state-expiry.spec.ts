import { create } from '@bufbuild/protobuf';
import { ConversationStateSchema, SCHEMA_VERSION } from '@app/contracts';
import { ConversationStore, type ExpiredConversation } from '@app/dialogue-state';
import { StateExpiry, sweepEveryMs } from './state-expiry';

const T0 = Date.UTC(2026, 0, 1);
const state = (conversationId: string, emittedAtMs: number) =>
  create(ConversationStateSchema, {
    meta: { schemaVersion: SCHEMA_VERSION, messageId: 'm1', conversationId, userId: 'u1', emittedAtMs },
    turnCount: 1,
  });

function setup(idleMs: number, busy: string[] = [], restoring: number[] = []) {
  let now = T0;
  const store = new ConversationStore();
  const tombstoned: ExpiredConversation[][] = [];
  const expiry = new StateExpiry({
    store,
    idleMs,
    busy: () => new Set(busy),
    restoring: (partition) => restoring.includes(partition),
    expired: (conversations) => tombstoned.push(conversations),
    everyMs: 1_000,
    now: () => now,
  });
  return { store, expiry, tombstoned, advance: (ms: number) => (now += ms) };
}

describe('StateExpiry', () => {
  afterEach(() => jest.useRealTimers());

  it('hands the conversations idle past the limit to be tombstoned, on its timer, and stops when told', async () => {
    jest.useFakeTimers();
    const { store, expiry, tombstoned, advance } = setup(10_000);
    store.apply(4, state('old', T0));
    store.apply(5, state('new', T0 + 8_000));
    expiry.start();
    advance(10_500);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(tombstoned).toEqual([[{ conversationId: 'old', partition: 4 }]]);
    expect(store.get('old')).toBeUndefined();
    expect(store.get('new')).toBeDefined();
    expiry.stop();
    advance(60_000);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(tombstoned).toHaveLength(1);
  });

  it('does not expire a conversation with a message being answered', () => {
    const { store, expiry, tombstoned, advance } = setup(10_000, ['busy']);
    store.apply(0, state('busy', T0));
    advance(20_000);
    expect(expiry.sweep()).toEqual([]);
    expect(tombstoned).toEqual([]);
    expect(store.get('busy')).toBeDefined();
  });

  it('does not sweep a partition whose changelog is still being restored', () => {
    const { store, expiry, advance } = setup(10_000, [], [3]);
    store.apply(3, state('restoring', T0));
    store.apply(4, state('restored', T0));
    advance(20_000);
    expect(expiry.sweep()).toEqual([{ conversationId: 'restored', partition: 4 }]);
    expect(store.get('restoring')).toBeDefined();
  });

  it('never expires anything with an idle limit of 0, and starts no timer', () => {
    jest.useFakeTimers();
    const { store, expiry, tombstoned, advance } = setup(0);
    store.apply(0, state('c1', T0));
    expiry.start();
    expect(jest.getTimerCount()).toBe(0);
    advance(365 * 86_400_000);
    expect(expiry.sweep()).toEqual([]);
    expect(tombstoned).toEqual([]);
  });

  it('sweeps every tenth of the limit, within 1 s to 60 s', () => {
    expect(sweepEveryMs(86_400_000)).toBe(60_000);
    expect(sweepEveryMs(200_000)).toBe(20_000);
    expect(sweepEveryMs(2_000)).toBe(1_000);
  });
});
