import { create } from '@bufbuild/protobuf';
import { EventMetaSchema, SCHEMA_VERSION } from '@app/contracts';
import { ConversationStore, appendTurn, answeredTurn, recentHistory } from './conversation-store';

const meta = (conversationId: string, messageId: string) =>
  create(EventMetaSchema, { schemaVersion: SCHEMA_VERSION, conversationId, messageId, userId: 'u1' });

function conversation(conversationId: string, turns: number, window = 3) {
  let state;
  for (let i = 1; i <= turns; i++) {
    state = appendTurn(
      state,
      meta(conversationId, `m${i}`),
      { messageId: `m${i}`, userText: `hi ${i}`, replyText: `hey ${i}`, replySource: 'canned', atMs: i, intent: '', emotion: '' },
      window,
    );
  }
  return state!;
}

describe('appendTurn', () => {
  it('keeps the last turns of the window, counts every turn, and takes the last message meta', () => {
    const state = conversation('c1', 5);
    expect(state.turns.map((t) => t.messageId)).toEqual(['m3', 'm4', 'm5']);
    expect(state.turnCount).toBe(5);
    expect(state.meta?.messageId).toBe('m5');
  });
});

describe('recentHistory and answeredTurn', () => {
  it('gives the last exchanges oldest first', () => {
    const state = conversation('c1', 4);
    expect(recentHistory(state, 2)).toEqual([
      { user: 'hi 3', bot: 'hey 3' },
      { user: 'hi 4', bot: 'hey 4' },
    ]);
    expect(recentHistory(undefined, 2)).toEqual([]);
    expect(recentHistory(state, 0)).toEqual([]);
  });

  it('knows which messages were answered', () => {
    const state = conversation('c1', 2);
    expect(answeredTurn(state, 'm2')?.replyText).toBe('hey 2');
    expect(answeredTurn(state, 'm9')).toBeUndefined();
    expect(answeredTurn(undefined, 'm1')).toBeUndefined();
  });
});

describe('ConversationStore', () => {
  it('keeps the newest state of each conversation, never an older one', () => {
    const store = new ConversationStore();
    expect(store.apply(0, conversation('c1', 3))).toBe(true);
    expect(store.apply(0, conversation('c1', 2))).toBe(false);
    expect(store.get('c1')?.turnCount).toBe(3);
    expect(store.apply(0, conversation('c1', 4))).toBe(true);
    expect(store.get('c1')?.turnCount).toBe(4);
  });

  it('drops exactly the conversations of lost partitions', () => {
    const store = new ConversationStore();
    store.apply(0, conversation('a', 1));
    store.apply(1, conversation('b', 1));
    store.apply(1, conversation('c', 1));
    expect(store.drop([1, 7])).toBe(2);
    expect(store.size).toBe(1);
    expect(store.get('a')).toBeDefined();
    expect(store.get('b')).toBeUndefined();
  });
});

describe('ConversationStore idle expiry', () => {
  const HOUR = 3_600_000;
  const T0 = Date.UTC(2026, 0, 1);
  /** A state written `hours` after T0 (its meta's emit time, as the selector stamps it). */
  const writtenAt = (conversationId: string, hours: number, turns = 1) => {
    const atMs = T0 + hours * HOUR;
    let state;
    for (let i = 1; i <= turns; i++) {
      state = appendTurn(
        state,
        meta(conversationId, `m${i}`),
        { messageId: `m${i}`, userText: 'hi', replyText: 'hey', replySource: 'canned', atMs, intent: '', emotion: '' },
        3,
        atMs,
      );
    }
    return state!;
  };

  it('forgets and returns the conversations idle longer than the limit, with their partitions', () => {
    const store = new ConversationStore();
    store.apply(0, writtenAt('old-a', 0));
    store.apply(1, writtenAt('old-b', 1));
    store.apply(1, writtenAt('fresh', 20));
    const expired = store.expireIdle(T0 + 25 * HOUR + 1, 24 * HOUR);
    expect(expired).toEqual([
      { conversationId: 'old-a', partition: 0 },
      { conversationId: 'old-b', partition: 1 },
    ]);
    expect(store.get('old-a')).toBeUndefined();
    expect(store.get('old-b')).toBeUndefined();
    expect(store.get('fresh')).toBeDefined();
    expect(store.size).toBe(1);
    expect(store.expireIdle(T0 + 25 * HOUR + 1, 24 * HOUR)).toEqual([]);
  });

  it('keeps a conversation that an update refreshed, however old its first state', () => {
    const store = new ConversationStore();
    store.apply(0, writtenAt('c1', 0, 1));
    store.apply(0, writtenAt('c2', 1, 1));
    store.apply(0, writtenAt('c1', 10, 2));
    expect(store.expireIdle(T0 + 26 * HOUR, 24 * HOUR)).toEqual([{ conversationId: 'c2', partition: 0 }]);
    expect(store.get('c1')?.turnCount).toBe(2);
    expect(store.expireIdle(T0 + 34 * HOUR + 1, 24 * HOUR)).toEqual([{ conversationId: 'c1', partition: 0 }]);
  });

  it('passes over the conversations it is told to keep and still expires those behind them', () => {
    const store = new ConversationStore();
    store.apply(0, writtenAt('busy', 0));
    store.apply(0, writtenAt('idle', 0.5));
    expect(store.expireIdle(T0 + 2 * HOUR, HOUR, { conversation: (id) => id === 'busy' })).toEqual([
      { conversationId: 'idle', partition: 0 },
    ]);
    expect(store.get('busy')).toBeDefined();
  });

  it('leaves the partitions it is told to alone (one being restored may hold a newer record not read yet)', () => {
    const store = new ConversationStore();
    store.apply(0, writtenAt('restoring', 0));
    store.apply(1, writtenAt('restored', 0));
    expect(store.expireIdle(T0 + 2 * HOUR, HOUR, { partition: (p) => p === 0 })).toEqual([{ conversationId: 'restored', partition: 1 }]);
    expect(store.get('restoring')).toBeDefined();
  });

  it("stops at a partition's first fresh conversation: one behind it waits for a later sweep, even one written earlier", () => {
    const store = new ConversationStore();
    store.apply(0, writtenAt('fresh', 10));
    // Restored after it: another member's write, stamped earlier (its clock, or a send that waited).
    store.apply(0, writtenAt('behind', 5));
    expect(store.expireIdle(T0 + 10.5 * HOUR, HOUR)).toEqual([]);
    expect(store.get('behind')).toBeDefined();
    expect(store.expireIdle(T0 + 11 * HOUR + 1, HOUR)).toEqual([
      { conversationId: 'fresh', partition: 0 },
      { conversationId: 'behind', partition: 0 },
    ]);
  });

  it('ages a state without an emit time from when it was applied', () => {
    const store = new ConversationStore();
    const state = writtenAt('c1', 0);
    state.meta!.emittedAtMs = 0;
    store.apply(0, state, T0 + 5 * HOUR);
    expect(store.expireIdle(T0 + 5 * HOUR + 10, HOUR)).toEqual([]);
    expect(store.expireIdle(T0 + 6 * HOUR + 1, HOUR)).toEqual([{ conversationId: 'c1', partition: 0 }]);
  });
});

describe('ConversationStore tombstones', () => {
  it('forgets a tombstoned conversation, and a state after the tombstone starts it again from turn one', () => {
    const store = new ConversationStore();
    store.apply(3, conversation('c1', 4));
    store.apply(3, conversation('c2', 1));
    expect(store.forget('c1')).toBe(true);
    expect(store.get('c1')).toBeUndefined();
    expect(store.size).toBe(1);
    expect(store.forget('c1')).toBe(false);
    // Without the tombstone a one-turn state would be refused as older than the four-turn one.
    expect(store.apply(3, conversation('c1', 1))).toBe(true);
    expect(store.get('c1')?.turnCount).toBe(1);
    expect(store.get('c2')).toBeDefined();
  });

  it('does not bring a forgotten conversation back in a sweep or a partition drop', () => {
    const store = new ConversationStore();
    store.apply(0, conversation('c1', 1));
    store.forget('c1');
    expect(store.expireIdle(Number.MAX_SAFE_INTEGER, 0)).toEqual([]);
    expect(store.drop([0])).toBe(0);
  });
});

describe('ConversationStore.applyRecord', () => {
  it('applies a changelog state, and forgets the conversation of a tombstone (a null value) by its key', () => {
    const store = new ConversationStore();
    expect(store.applyRecord(2, 'c1', conversation('c1', 2))).toBe(true);
    expect(store.get('c1')?.turnCount).toBe(2);
    expect(store.applyRecord(2, 'c1', null)).toBe(true);
    expect(store.get('c1')).toBeUndefined();
    expect(store.applyRecord(2, 'never-seen', null)).toBe(false);
  });
});
