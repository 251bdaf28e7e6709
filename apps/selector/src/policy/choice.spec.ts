import { choiceOf } from './choice';

describe('choiceOf', () => {
  it.each([
    ['should i text him or wait', 'Text him'],
    ['should i text him or just wait it out lol', 'Text him'],
    ['Should I confess or just refill it and hope', 'Confess'],
    ['should i bring him real food or is that against the rules', 'Bring him real food'],
    ['do i bake it anyway or is it ruined', 'Bake it anyway'],
    ['should we go to the party or stay home', 'Go to the party'],
    ['honestly do i just leave it or tell my boss', 'Tell your boss'],
    ['do i confess or let gregory be a mystery', 'Confess'],
    ["do you think i should drive up this weekend or wait till they're settled", 'Drive up this weekend'],
    ['do i say something to my boss about it or just keep my head down for a bit', 'Say something to your boss about it'],
    ['so... third date or not', 'Third date'],
    ["he said restaurant salt is 'inconsistent'. second date? y/n", 'Second date'],
    ['do i mention it or not', 'Mention it'],
    ['should i call her or send a text first', 'Call her'],
    ['do i text him or go round', 'Go round'],
  ])('%j → %j', (text, choice) => {
    expect(choiceOf(text)).toBe(choice);
  });

  it.each([
    'should i get the red one or the blue one',
    'should i go running or swimming tomorrow',
    'what should i do',
    'should i say something',
    'i wonder if i should go or not',
    'is it worth it or not',
    'should i have said sorry or is that weirder',
  ])('picks nothing in %j', (text) => {
    expect(choiceOf(text)).toBeUndefined();
  });
});
