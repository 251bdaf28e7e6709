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
