import { create } from '@bufbuild/protobuf';
import { TurnSchema } from '@app/contracts';
import { recallAbout, reflect } from './recall';

const turns = (...texts: string[]) => texts.map((userText) => create(TurnSchema, { userText }));

describe('reflect', () => {
  it.each([
    ['my grandpa taught me to swim', 'your grandpa taught you to swim'],
    ["I'm worried about my sister", "you're worried about your sister"],
    ['I was at my mum’s all day', 'you were at your mum’s all day'],
    ['we went to our old house, me and my brother', 'you went to your old house, you and your brother'],
    ['she said I am her favourite', 'she said you are her favourite'],
  ])('%j → %j', (text, said) => {
    expect(reflect(text)).toBe(said);
  });
});

describe('recallAbout', () => {
  it('says back the latest sentence that named the relation', () => {
    const said = recallAbout(
      turns('my grandpa used to take me fishing', 'work was fine', 'ok so my grandpa is 90 today! we had cake.', 'lol'),
      'grandpa',
    );
    expect(said).toBe('your grandpa is 90 today');
  });

  it('cuts a long sentence and finds a relation with a word before it', () => {
    const said = recallAbout(
      turns('my little sister just got into the art school she has wanted since she was about eight years old'),
      'sister',
    );
    expect(said).toBe('your little sister just got into the art school she has wanted since she…');
  });

  it('knows nothing about a relation never named', () => {
    expect(recallAbout(turns('my dog ate my homework'), 'grandpa')).toBeUndefined();
    expect(recallAbout(turns('my grandpa'), 'grandpa')).toBeUndefined();
  });
});
