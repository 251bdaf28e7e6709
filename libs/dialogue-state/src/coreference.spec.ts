import { create } from '@bufbuild/protobuf';
import { MentionSchema } from '@app/contracts';
import { resolvePronouns } from './coreference';

const mention = (text: string, kind: string, turn: number) => create(MentionSchema, { text, kind, turn });

describe('resolvePronouns', () => {
  const mentions = [
    mention('pizza', 'thing', 3),
    mention('Anna', 'person', 2),
    mention('Paris', 'place', 1),
    mention('guitar', 'thing', 1),
  ];

  it.each([
    ['I like it', 'I like pizza', [{ pronoun: 'it', entity: 'pizza' }]],
    ['she is mean', 'Anna is mean', [{ pronoun: 'she', entity: 'Anna' }]],
    [
      'I told her about it',
      'I told Anna about pizza',
      [
        { pronoun: 'her', entity: 'Anna' },
        { pronoun: 'it', entity: 'pizza' },
      ],
    ],
    ['her car broke down', "Anna's car broke down", [{ pronoun: 'her', entity: 'Anna' }]],
    ['his jokes are bad', "Anna's jokes are bad", [{ pronoun: 'his', entity: 'Anna' }]],
    ['I want to go there', 'I want to go in Paris', [{ pronoun: 'there', entity: 'Paris' }]],
  ])('resolves %j', (text, expected, resolved) => {
    expect(resolvePronouns(text, mentions)).toEqual({ text: expected, resolved });
  });

  it.each(["it's raining again", 'it is what it is', 'there is no way', "she's fine", 'I like you'])('leaves %j alone', (text) => {
    expect(resolvePronouns(text, mentions)).toEqual({ text, resolved: [] });
  });

  it('takes the most recent mention of the right kind', () => {
    expect(resolvePronouns('it was fun', [mention('guitar', 'thing', 5), mention('pizza', 'thing', 4)]).text).toBe('guitar was fun');
  });

  it("takes a pet's name for he or she", () => {
    expect(resolvePronouns('she ate a whole sock', [mention('Biscuit', 'pet', 2), mention('pizza', 'thing', 2)]).text).toBe(
      'Biscuit ate a whole sock',
    );
  });

  it('does nothing without a mention of the kind, or when the message names one itself', () => {
    expect(resolvePronouns('he is late', [mention('pizza', 'thing', 1)]).resolved).toEqual([]);
    expect(resolvePronouns('Tom said he is late', mentions, [mention('Tom', 'person', 4)]).resolved).toEqual([]);
  });
});
