import { create } from '@bufbuild/protobuf';
import { MentionSchema } from '@app/contracts';
import type { EntityMention } from '@app/dialogue-state';
import { subjectOf } from './subject';

const thing = (text: string): EntityMention => ({ kind: 'thing', text });
const earlier = (turn: number, ...texts: string[]) => texts.map((text) => create(MentionSchema, { text, kind: 'thing', turn }));

describe('subjectOf', () => {
  it('names the noun a story comes back to', () => {
    // "there is no hamster. there has never been a hamster", after the class's hamster named kevin
    expect(subjectOf([thing('hamster')], earlier(1, 'substitute', 'class pet', 'hamster'))).toBe('hamster');
    expect(subjectOf([thing('charge'), thing('leaf'), thing('Tortoise')], earlier(1, 'man', 'tortoise'))).toBe('Tortoise');
  });

  it('names nothing said only once: a first noun too often misses the point', () => {
    expect(subjectOf([thing('nan'), thing('care home')], [])).toBeUndefined();
    expect(subjectOf([thing('sun')], earlier(1, 'houseplant', 'cacti'))).toBeUndefined();
  });

  it("never names a time, a vague word or a tagger's glued phrase, even when it comes back", () => {
    expect(subjectOf([thing('tonight')], earlier(1, 'tonight'))).toBeUndefined();
    expect(subjectOf([thing('parking lot eating')], earlier(1, 'parking lot eating'))).toBeUndefined();
    expect(subjectOf([thing('label back')], earlier(1, 'label back'))).toBeUndefined();
    expect(subjectOf([thing("building's")], earlier(1, "building's"))).toBeUndefined();
    expect(subjectOf([thing('hes')], earlier(1, 'hes'))).toBeUndefined();
  });

  it('lowers a shouted noun, keeps a name as written, and says a repeated word once', () => {
    expect(subjectOf([thing('LINEN')], earlier(1, 'linen'))).toBe('linen');
    expect(subjectOf([{ kind: 'pet', text: 'Jacqueline' }], [create(MentionSchema, { text: 'Jacqueline', kind: 'pet', turn: 1 })])).toBe(
      'Jacqueline',
    );
    expect(subjectOf([thing('rain rain rain')], earlier(1, 'rain rain rain'))).toBe('rain');
  });
});
