import { echoOf } from './echo';

describe('echoOf', () => {
  it.each([
    ['my roommate labels everything in the fridge. even the ice', 'Even the ice'],
    ['like the FABRIC scissors. the sacred ones', 'The sacred ones'],
    ['i put salt in my coffee instead of sugar. third time this month', 'Third time this month'],
    ["she said 'theyre just scissors' im about to move out fr", "'theyre just scissors'"],
    ['the training was a 6 min video from 2011', 'A 6 min video from 2011'],
    ['i literally labeled it. with my name. in sharpie 💀', 'In sharpie'],
    ["today there was a post-it on a single grape. 'mine. counted.'", "'mine. counted'"],
    ['ugh and the hold music was a panpipe version of Hotel California.', 'A panpipe version of Hotel California'],
    ['my nephew built a fort and put up a sign called NO GROWNUPS EVER', "'NO GROWNUPS EVER'"],
    ['found my lost wallet on a resale site, same scuff on the corner, 45 dollars', '45 dollars'],
    ['my grandad beat me at scrabble in four turns', 'In four turns'],
    ['cleaned out the garage and found three bikes of my brother', 'Three bikes of your brother'],
    ['my flatmate gave back my jacket with a ketchup stain', 'With a ketchup stain'],
    ['it yanked the hose off and now theres a lake under the fridge', 'A lake under the fridge'],
    ['day 3 of living out of boxes. i have found 2 kettles and zero forks', '2 kettles and zero forks'],
    ["it's a piece of sky. of course it is", 'A piece of sky'],
    ['to be fair it was a boring story. about a printer', 'About a printer'],
  ])('%j → %j', (text, echo) => {
    expect(echoOf(text)).toBe(echo);
  });

  it.each([
    'wait do people actually do that on purpose??',
    'ok now you ask me one',
    'we adopted a one-eyed ferret today, he steals socks. need a name',
    'i kinda want to quit ngl',
    'she said sorry but like. it was a GIFT',
    'the tip is bent now. its a japanese knife, it was a gift from my dad',
    'the presentation is monday and Tyler hasnt even opened the doc',
    'had 3 desserts. no regrets',
    'my grandpa was a doctor so hes gonna lose it',
    'like who does that at 8am',
    "there's a reason i stopped going",
    'there was a chance it would rain so we stayed in',
    'There are 31 pieces and, as far as I can tell, one instruction.',
    'ok settle this: is a snail a pet or a roommate',
    'yes i know its a pigeon',
    'it was about my sisters wedding. the one in the barn',
    'transfer $200 to my brother’s venmo',
    'I spent forty minutes on the phone with the water company about a bill for a house I sold in 2019.',
    'my boss called me into his office',
    'i got beaten by a guy called Dave in the final',
    'ok i have a question, what do you think',
    'went to the cinema with a friend',
    'i have two',
    'finally got paid. about time',
    'we talked for hours. about everything',
    'of course it is',
  ])('says nothing back to %j', (text) => {
    expect(echoOf(text)).toBeUndefined();
  });
});
