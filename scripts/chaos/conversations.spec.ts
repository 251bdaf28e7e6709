import { create } from '@bufbuild/protobuf';
import { EventMetaSchema, SCHEMA_VERSION, type ConversationState } from '@app/contracts';
import { userNameIn } from '@app/dialogue-state';
import { ReplyComposer } from '../../apps/selector/src/policy/reply-composer';
import { MAX_CONVERSATIONS, NAMES, lineOf, nameQuestion } from './conversations';

describe('the chaos conversations', () => {
  it('open with a name the selector takes as the user name, one per conversation', () => {
    expect(new Set(NAMES).size).toBe(MAX_CONVERSATIONS);
    for (let k = 0; k < MAX_CONVERSATIONS; k++) {
      const first = lineOf(k, MAX_CONVERSATIONS);
      expect(first.conversationId).toBe(`conv-${k}`);
      expect(userNameIn(first.text, { entities: [] })).toBe(NAMES[k]);
    }
  });

  it('never name anyone after the introduction', () => {
    for (let i = 40; i < 120; i++) expect(userNameIn(lineOf(i, 40).text, { entities: [] })).toBeUndefined();
    expect(lineOf(41, 40).conversationId).toBe('conv-1');
  });

  it('end with a question the selector answers from the state, whatever the NLU said', () => {
    const composer = ReplyComposer.load({ timeZone: 'UTC' });
    const meta = (messageId: string) =>
      create(EventMetaSchema, { schemaVersion: SCHEMA_VERSION, messageId, conversationId: 'conv-3', userId: 'user-3' });
    let state: ConversationState | undefined;
    for (const [i, text] of [lineOf(3, 40).text, lineOf(43, 40).text].entries())
      state = composer.compose({ meta: meta(`m${i}`), text, state, nlu: [], candidates: [] }).state;
    const reply = composer.compose({ meta: meta('m9'), text: nameQuestion(3).text, state, nlu: [], candidates: [] });
    expect(reply.decision.text).toContain(NAMES[3]);
  });
});
