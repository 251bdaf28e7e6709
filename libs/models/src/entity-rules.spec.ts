import { framedNames, petNames, relations, relativeDates, thingSpan } from './entity-rules';

const texts = (spans: { text: string }[]) => spans.map((s) => s.text);

describe('entity rules for chat lines', () => {
  it('finds the people and animals of a life as possessive phrases, not objects', () => {
    expect(texts(relations('My dad and his buddy Joe went fishing'))).toEqual(['My dad', 'his buddy']);
    expect(texts(relations('my little brother and our cat'))).toEqual(['my little brother', 'our cat']);
    expect(texts(relations('my sister-in-law is here, my sister too'))).toEqual(['my sister-in-law', 'my sister']);
    expect(relations('my phone died, my car too')).toEqual([]);
  });

  it("names a pet after its animal word, not the verb that follows it", () => {
    expect(texts(petNames('my dog Will is the goodest boy'))).toEqual(['Will']);
    expect(texts(petNames('we adopted a kitten and named her Waffles'))).toEqual(['Waffles']);
    expect(petNames('my dog is sick and my cat keeps hiding')).toEqual([]);
  });

  it('keeps a relative date whole', () => {
    expect(texts(relativeDates('by next Friday, or in two weeks'))).toEqual(['next Friday', 'in two weeks']);
    expect(texts(relativeDates('going home for Christmas Eve tonight'))).toEqual(['Christmas Eve', 'tonight']);
    expect(texts(relativeDates('friends since 2015'))).toEqual(['2015']);
    expect(relativeDates('best day ever')).toEqual([]);
  });

  it('reads a common word as a name only where nothing else fits', () => {
    expect(texts(framedNames('Will and I went bowling'))).toEqual(['Will']);
    expect(texts(framedNames('Jess from yoga invited me'))).toEqual(['Jess']);
    // A lowercase candidate; the tagger keeps it only where compromise does not read it as a verb.
    expect(texts(framedNames('I will try and I may fail'))).toEqual(['try']);
    expect(framedNames('saw Dr. Patel today')).toEqual([]);
  });

  it('drops nouns that name nothing to come back to', () => {
    expect(['there', 'something', 'name', 'IM'].map(thingSpan)).toEqual([undefined, undefined, undefined, undefined]);
    expect(thingSpan('leftovers smh')).toBe('leftovers');
  });
});
