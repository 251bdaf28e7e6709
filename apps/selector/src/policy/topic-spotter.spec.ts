import { TopicSpotter } from './topic-spotter';

describe('the topic spotter (data/topics.json)', () => {
  const spotter = TopicSpotter.load();

  it.each([
    ['my grandma passed away last night', { topic: 'grief', relation: 'grandma' }],
    ['we had to put our dog down today', { topic: 'grief' }],
    ['i have the flu and feel like death', { topic: 'illness' }],
    ['my boyfriend broke up with me', { topic: 'breakup', relation: 'boyfriend' }],
    ['my boss scheduled three meetings before 10am', { topic: 'work', relation: 'boss' }],
    ['job interview tomorrow and I am freaking out', { topic: 'nervous' }],

    ['I made lasagna from scratch', { topic: 'cooking' }],
    ['had to put my dog Biscuit down today', { topic: 'grief', relation: 'dog' }],
    ['my bus is here gotta run', { topic: 'leaving' }],
    ['got laid off today. whole team', { topic: 'job_loss' }],
    ['They let thirty of us go at the warehouse today', { topic: 'job_loss' }],
    ["Got told this morning my role is 'no longer required'.", { topic: 'job_loss' }],
    ['should i say something to hr or is that dumb', { topic: 'reassure' }],
    ['any tips for finding an apartment there', { topic: 'tips' }],
    ["any tricks for sleeping in the daytime that arent 'blackout curtains' bc i have those", { topic: 'tips' }],
    ['ok should i bring a jacket', { topic: 'advice' }],
    ['anyway what should i make for dinner', { topic: 'food_advice' }],
    ['ok ask me something', { topic: 'ask_me' }],
    ["what's your favorite food?", { topic: 'food' }],
    ['my best friend got a corgi', { topic: 'pets', relation: 'best friend' }],
    ["it's my birthday today!", { topic: 'birthday' }],
    ['the bus driver started singing happy birthday to some old man who got on', { topic: 'music' }],
    ["crocheted a frog for my friend's birthday", { topic: 'relative_birthday', relation: 'friend' }],
    ["I'm bored, entertain me", { topic: 'bored' }],
    ['I think I want to learn the guitar', { topic: 'hobbies' }],
    ["today is my son's birthday. he would have been 8", { topic: 'grief', relation: 'son' }],
    ['we said goodbye to my dad this morning. the nurses were lovely', { topic: 'grief', relation: 'dad' }],
    ['had to have my dog put down this morning lol', { topic: 'grief', relation: 'dog' }],
    ['we had to put our cat to sleep', { topic: 'grief' }],
    ['my cat had to be put to sleep this morning', { topic: 'grief', relation: 'cat' }],
    ['she was put down for a nap at 2 and woke at 2:10', {}],
    ['my aunt is in hospice now', { topic: 'illness', relation: 'aunt' }],
    ["my dad's surgery went fine, he's already complaining about the food", { topic: 'recovery', relation: 'dad' }],
    ['biopsy came back clear!!', { topic: 'recovery' }],
    ['my mum is home from hospital and bossing everyone around', { topic: 'recovery', relation: 'mum' }],
    ['my girlfriend forgot our anniversary', { topic: 'letdown', relation: 'girlfriend' }],
    ['stuck at the airport, flight delayed 4 hrs', { topic: 'travel_trouble' }],
    ['ugh my flight home got cancelled and the airline app keeps crashing', { topic: 'travel_trouble' }],
    ['found out my boyfriend was cheating', { topic: 'breakup', relation: 'boyfriend' }],
    ["tell me a joke about accountants, my dad is one and it's his birthday", { topic: 'joke', relation: 'dad' }],
    ['ok shift starts in 20. wish me luck', { topic: 'luck' }],
    ["bet you can't roast me", { topic: 'roast' }],
    ['still counts though right', { topic: 'affirm' }],
    ["who's right", { topic: 'whos_right' }],
    ['unpopular opinion: audiobooks count as reading', { topic: 'hot_take' }],
    ['It is my first Christmas without Walter. We had 46 years together.', { topic: 'grief' }],
    ["my grandma doesn't recognise me anymore", { topic: 'memory_loss', relation: 'grandma' }],
    ['Today is my father birthday. I am in Toronto and he is in Manila', { topic: 'relative_birthday', relation: 'father' }],
    ['lol ok. my coworker got promoted over me today btw', { topic: 'letdown', relation: 'coworker' }],
    ['adopted a grey kitten today!! she has one white paw. need a name, help', { topic: 'name_idea' }],
    ['rough hair day. say something nice to me', { topic: 'compliment_me' }],
    ['can you talk to me about literally anything else pls', { topic: 'distract_me' }],
    ['Can you tell me something to make me more calm?', { topic: 'calm_me' }],
    ['anyway. sorry for dumping this on you at 1am', { topic: 'sorry_for_sharing' }],
    ['sorry that got heavy', { topic: 'sorry_for_sharing' }],
    ['my boyfriend and i have been trying for a year', { topic: 'fertility', relation: 'boyfriend' }],
    ['we lost the baby last month. second miscarriage', { topic: 'pregnancy_loss' }],
    ['what if i sit at the wrong table at lunch', { topic: 'what_if' }],
    ['should we call someone or is that dramatic', { topic: 'reassure' }],
    ['would you rather: sing everything you say or only whisper forever', { topic: 'play' }],
    ['ok i pick the first one. your turn, give me one', { topic: 'play' }],
    ['ugh evil. make the next one even harder', { topic: 'play' }],
    ['then can you call my landlord for me lol', { topic: 'request' }],
    ['its been like 4 hours, do i bake it anyway or is it ruined', { topic: 'advice' }],
    ["It's due Friday. How do I even explain that to the librarian", { topic: 'tips' }],
    ['Is that bad for a teacher?', { topic: 'reassure' }],
    ['i told him his band was mid. did i go too far', { topic: 'reassure' }],
    ['would it be weird to text her again tonight', { topic: 'reassure' }],
    ['i left a note on his car. too petty?', { topic: 'reassure' }],
    ['am i a terrible brother for skipping it', { topic: 'reassure' }],
    ['is it normal to miss a job you hated', { topic: 'normal' }],
    ['I said the dog ate it. Is that a valid excuse?', { topic: 'normal' }],
    ['i think pineapple belongs on pizza, back me up', { topic: 'agree' }],
    ["that's basically stealing though, right?", { topic: 'agree' }],
    ['who is funnier, me or my cat?', { topic: 'whos_right', relation: 'cat' }],
    ['is that romance or a hostage situation', { topic: 'either' }],
    ['so was he flirting or just being polite?', { topic: 'either' }],
    ['is it worth it or not', { topic: 'worth' }],
    ['it was raining or not, who knows', {}],
    ['is that rude or is that mean', { topic: 'reassure' }],
    ['can you tell me something to calm down', { topic: 'calm_me' }],
    ['it was raining or something so we stayed in', {}],
    ['my rabbit stopped eating, were at the emergency vet now', { topic: 'illness', relation: 'rabbit' }],
    ["the vet said it's pretty routine but she's 14", { topic: 'illness' }],
    ['hi im Dani btw. my first solo shift as a bartender is tonight', { topic: 'nervous' }],
    ["Ok I'm going to try to sleep. Night.", { topic: 'leaving' }],
    ['I am teacher in middle school, a student put my chair on the cupboard', { topic: 'work' }],
    ['my cat Pickles didnt come home and the neighbor found her by the road', { topic: 'grief', relation: 'cat' }],
    ['i had to put my phone down, it was too much', {}],
    ['gonna put him down for a nap then shower', {}],
    ['idk suggest something to do tonight', { topic: 'suggest' }],
    ['any ideas for this weekend', { topic: 'suggest' }],
    ['i have some ideas for this weekend', { topic: 'weekend' }],
    ['give me something fun to do', { topic: 'suggest' }],
    ['Tonight I make my grandmother pelmeni recipe to celebrate. You want some? haha', { topic: 'offer', relation: 'grandmother' }],
    ['i want some cake', { topic: 'food' }],
    ['my mom cried on the phone lol', { topic: 'tears', relation: 'mom' }],
    ['i cried at my desk today', { topic: 'tears' }],
    ["i'm happy for her but i'm gonna miss her so much", { topic: 'farewell' }],
    ['my best friend is moving to australia next month', { topic: 'farewell', relation: 'best friend' }],
    ["we're moving to a bigger place", {}],
    ['i miss her so much, the funeral was yesterday', { topic: 'grief' }],
    ['had to put biscuit down this morning. he was 17', { topic: 'grief' }],
    ["didn't get into the conservatory. letter came today", { topic: 'setback' }],
    ["didn't get the team lead role. they gave it to marcus", { topic: 'setback' }],
    ["We're closing the bookshop at the end of the month. 31 years.", { topic: 'setback' }],
    ['Can you tell me it will be fine? My hands are already cold', { topic: 'comfort' }],
    ['tell me the walrus is fine', { topic: 'comfort' }],
    ['is it worth complaining again or do i just open a window', { topic: 'worth' }],
    ["fed him and put him next to the radiator. do you reckon he'll pull through", { topic: 'hopeful' }],
    ["I'm appealing it. Whose side are you on honestly", { topic: 'whos_right' }],
    ["my flatmate said that's a war crime. settle it", { topic: 'agree' }],
    ['also what do you even wear to a penguin interview', { topic: 'wear' }],
    ["first winter in winnipeg. it's -34 today and i haven't talked to anyone in person in 4 days", { topic: 'lonely' }],
    ['Today I have not spoken out loud to anybody except the cashier', { topic: 'lonely' }],
    ['found out from instagram that my whole friend group went to a cabin this weekend. nobody asked me', { topic: 'letdown' }],
    ['my best friend since 4th grade didnt invite me to her bachelorette', { topic: 'letdown', relation: 'best friend' }],
    ['need a book rec for my grandad. he is 88', { topic: 'rec_book' }],
    ['What is a good movie to watch with my father on Sunday?', { topic: 'rec_screen', relation: 'father' }],
    ['ok and a podcast for the part of the flight where i definitely wont sleep', { topic: 'rec_podcast' }],
    ['ngl your sass is kinda mid today', { topic: 'sass_check' }],
    ["that's it?? my nan roasts harder than that and she's 91", { topic: 'try_harder' }],
    ['his dad offered to pay but honestly i just want him to stop. am i being grumpy?', { topic: 'reassure' }],
    ["he wants 5 dollars from the tooth fairy. do you think that's fair?", { topic: 'normal' }],
    ['i renamed mine. petty or justified? be honest', { topic: 'either' }],
    ['my little brother scrambled it for me. does it still count', { topic: 'affirm', relation: 'brother' }],
    ["Wife thinks I'm making it up. You believe me don't you?", { topic: 'agree' }],
    ['Tonight I take my labmates for hotpot. You think I deserve it?', { topic: 'deserve' }],
    ["$96. Do you think it's worth appealing or will I just end up crosser?", { topic: 'worth' }],
    ['the dog sat at the table and nobody said anything. what would you have done??', { topic: 'hindsight' }],
    ["my boss said i'm 'too valuable where i am'. what does that even mean", { topic: 'what_it_means', relation: 'boss' }],
    ["I have a date on Saturday. First one since the divorce. I'm 54.", { topic: 'nervous' }],
    ['Tomorrow I must present to my class in English, 10 minutes', { topic: 'nervous' }],
    ['took my camera on holiday. should i print the good ones or keep them on my phone', { topic: 'advice' }],
    ['do i tell my sister about the dent in her car or just get it fixed quietly', { topic: 'advice', relation: 'sister' }],
    ['do you think i can ask my landlord for another week', { topic: 'ask_anyway' }],
    ['Moved to Leeds in spring. How does one make friends at 40?', { topic: 'make_friends' }],
    ['spilled curry on my white trainers, how do i get it out', { topic: 'clean_stain' }],
    ['I snapped at my mum over nothing. How do I apologise without making it weird?', { topic: 'apologise', relation: 'mum' }],
    ['starting to learn Portuguese before the wedding. is it hard', { topic: 'learn_language' }],
    ['Where would you go for a celebration dinner on a Tuesday?', { topic: 'celebrate_where' }],
    ['the scan came back benign, i can breathe again', { topic: 'recovery' }],
    ['The mill shut down today. 22 years I worked there.', { topic: 'job_loss' }],
    ['my cousin had her baby and i found out from her instagram story', { topic: 'letdown', relation: 'cousin' }],
    ['we sold out before lunch at the market stall!', { topic: 'celebration' }],
    ['our anniversary was yesterday and I forgot. she did not', {}],
    ['lol relax im just messing with you', { topic: 'just_kidding' }],
    ['my cousin had her baby this morning, a girl!', { topic: 'new_baby', relation: 'cousin' }],
    ['they named her after my nan who passed in may', { topic: 'named_after' }],
    ['the plumber was meant to come at 9 to look at the leak. nobody came', {}],
    ['threw a party for my 30th and nobody came', { topic: 'letdown' }],
    ['do you think i should call her or wait', { topic: 'advice' }],
    ['ok going saturday. what should i bring them', { topic: 'what_to_bring' }],
    ['do you think my cat knows when she is being dramatic', { topic: 'animal_minds', relation: 'cat' }],
    ['your texts are way too formal, you sound like my old headmaster', { topic: 'sass_check' }],
    ['rate my lunch out of 10: cold pizza, a pear and three crackers', { topic: 'rate_it' }],
    ['Are films getting worse, or have I just become a grumpy old man?', { topic: 'either' }],
    ['is the new manager actually strict or is it just first-week nerves', { topic: 'either' }],
    ['the class was the most engaged they have been all term', { topic: 'school' }],
    ['landlord finally fixed the boiler. i feel like i won the lottery', {}],
    ['my neighbour mows his lawn every sunday at 7am', {}],
    ['the charge nurse gave a whole speech on infection control at 3am', {}],
    ['not a great day.', { topic: 'bad_day' }],
    ['its not been a good week tbh', { topic: 'bad_day' }],
    ['bet you cant say anything mean to me. youre way too nice', { topic: 'roast' }],
    ["bet you can't say one mean thing to me. you're too nice", { topic: 'roast' }],
    ['stuck on the same elden ring boss for 2 days', { topic: 'games' }],
    ['third date with Rafa tonight and he picked... a pottery class?', { topic: 'partner' }],
    ['my best friend cancelled on my birthday dinner an hour before', { relation: 'best friend' }],
    ["my partner says its 'character'", { relation: 'partner' }],
    ['kinda sad for you ngl', { topic: 'pity_bot' }],
    ['what if i cry in front of everyone', { topic: 'what_if_cry' }],
    ['how long do i boil an egg for a jammy yolk', { topic: 'kitchen_question' }],
    ['how long do i actually boil an egg for a jammy yolk', { topic: 'kitchen_question' }],
    ['the chicken was out all night, is it still safe to eat', { topic: 'kitchen_question' }],
    ["6 and a half it is. if it's wrong im blaming you", { topic: 'blame_bot' }],
    ['fine ill try them. if theyre bad im blaming you', { topic: 'blame_bot' }],
    ['boring answer. try again', { topic: 'try_harder' }],
    ["sorry i know you can't actually do anything. just needed to say it somewhere", { topic: 'needed_to_say' }],
    ['eh its money. just wanted to whine to someone who isnt lorne', { topic: 'needed_to_say' }],
    ["my coworker Priya says yes and she's wrong", { relation: 'coworker' }],
    ['Do you think if I fill the middle with cream nobody will notice?', { topic: 'do_you_think' }],
    ['do you think aliens exist', { topic: 'do_you_think' }],
    ['do you think people will notice if i read it off my phone', {}],
    ['im terrible at public speaking tho', { topic: 'nervous' }],
    ["do you think he'll leave me?", {}],
    ['do you think she likes me or is she just being nice?', {}],
    ['what would you do if you won the lottery', { topic: 'celebration' }],
    ['what would you do if you were me', { topic: 'advice_open' }],
    ['ive been staring at my screen for 20 minutes. what would you do', { topic: 'advice_open' }],
    ['idk how i feel. relieved? terrified? hungry?', { topic: 'unsure_feeling' }],
    ['what would you get them as a gift', { topic: 'gift' }],
    ['it was my sisters birthday present and shes in leeds', {}],
    ['seen it. another one?', { topic: 'more' }],
    ['his name is skrunk', { topic: 'named' }],
    ['thats so cute. do you have a best friend', { topic: 'bot_friends' }],
    ['ive already reorganised my sock drawer', {}],
    ['my grandads house in cork got sold today', { topic: 'lost_place' }],
    ['lol that was weak. try harder', { topic: 'try_harder' }],
    ['got let go today. 22 years at the warehouse', { topic: 'job_loss' }],
    ["my umbrella flipped inside out so i just let go of it. it's in the river now", {}],
    ["my 8yo's speech therapist discharged him today!!", {}],
    ['arr its harmless, its for a pirate themed birthday', {}],
    ['anyway i am SOAKED, off to shower. bye x', { topic: 'leaving' }],
    ['the whole class heard', {}],
    ["my best mate's moving to glasgow next month", { topic: 'farewell' }],
    ['the whole class was so boring', { topic: 'school' }],
    ['ok teach me one fact about sharks', { topic: 'fact' }],
    ['am i being a hater? be honest', { topic: 'reassure' }],
    ['she sent back a dog emoji. what do i even reply to that', { topic: 'what_to_say' }],
    ["made grandma's soup from a voice note she left me last winter", {}],
    ['knitted a hat and it looks like a depressed mushroom', { topic: 'hobbies' }],
    ['sorry my english is not so good, can we mix spanish and english?', { topic: 'mixed_languages' }],
    ['my german is bad and i get embarrassed', {}],
    ['i love it here 🙂', { topic: 'sarcasm' }],
    ['we moved to porto and i love it here', {}],
    ['she said the scratch was "already there" 🙃', {}],
    ['give me another weird animal fact', { topic: 'fact' }],
    ['whats the weirdest thing someones said to you', { topic: 'told_bot' }],
    ['past me is an idiot', { topic: 'self_talk' }],
    ['ok settle this. my flatmate keeps the butter in the cupboard', { topic: 'whos_right' }],
    ['settle this: is cereal a soup', {}],
    ['i had a miscarriage last week. nobody at work knows', { topic: 'pregnancy_loss' }],
    ["yeah. his mum's been in hospital 2 weeks and i think i'm the safe person to be annoyed at", { topic: 'family_ill' }],
    ['put on a performance improvement plan today', { topic: 'setback' }],
    ["ha ok. anyway dinner's ready, night!", { topic: 'leaving' }],
    ['thinking of selling a few jars at the saturday market in may. is that insane', { topic: 'reassure' }],
    ["i said 'oh nice, pass the salt'. was that terrible??", { topic: 'reassure' }],
    ['would you tell me if something looked bad or do you just say nice stuff', { topic: 'bot_honest' }],
    ['does anyone else get weirdly emotional about model trains or just me', { topic: 'just_me' }],
    ["ok but what if someone asks something i genuinely don't know", { topic: 'what_if' }],
    ['see that was weak. try again', { topic: 'try_harder' }],
  ])('%j → %j', (text, spotted) => {
    expect(spotter.spot(text)).toEqual(spotted);
  });

  it('reads "can you …" as a request, and a question about the bot by its own topics only when asked', () => {
    expect(spotter.spot('can you do my taxes').topic).toBe('request');
    expect(spotter.spot('could you fix my wifi, it keeps dropping').topic).toBe('request');
    expect(spotter.spot('do you even sleep?', true).topic).toBe('bot_sleep');
    expect(spotter.spot("I can't sleep").topic).toBe('tired');
    expect(spotter.spot('do you remember my name?', true).topic).toBe('name_check');
    expect(spotter.spot("what do you do when nobody's talking to you", true).topic).toBe('bot_idle');
    expect(spotter.spot('do you like talking to me at least', true).topic).toBe('bot_likes_user');
    expect(spotter.spot('ok random question, do you ever get bored', true).topic).toBe('bot_idle');
    expect(spotter.spot('do you ever get bored talking to me', true).topic).toBe('bot_bored_of_user');
    expect(spotter.spot('anyway enough about me. hows your day been', true).topic).toBe('bot_day');
    expect(spotter.spot('do you get sick of people being rude to you all day', true).topic).toBe('bot_rude');
    expect(spotter.spot('are you sick of me yet lol', true).topic).toBe('bot_bored_of_user');
    expect(spotter.spot('do you actually like talking to people or is that programmed', true).topic).toBe('bot_enjoys');
    expect(spotter.spot('my roommate ate my leftover birthday cake').topic).not.toBe('birthday');
    expect(spotter.spot('its my birthday and i got a cake').topic).toBe('birthday');
    expect(spotter.spot('wait do you even have a favorite animal', true).topic).toBe('pets');
    expect(spotter.spot('lol fair. do you like your job at least', true).topic).toBe('bot_job');
    expect(spotter.spot('ok but do you actually have feelings or are you just saying stuff', true).topic).toBe('bot_feelings');
    expect(spotter.spot('anyway what did you get up to today', true).topic).toBe('bot_day');
    expect(spotter.spot('Would you have hung up? I very nearly did.').topic).toBeUndefined();
  });

  it.each([
    ['ok fine. how was your day', 'bot_day'],
    ["lol ok. what's up with you", 'bot_day'],
    ['anyway what are you up to', 'bot_day'],
    ['what r u doing rn?', 'bot_day'],
    ['wyd', 'bot_day'],
    ['what have you done today', 'bot_day'],
    ['what can you even do', 'bot_abilities'],
    ['why cant you do that', 'bot_abilities'],
    ['Then who decided you ought to be so cheeky?', 'bot_maker'],
    ['like a company or one guy in a basement', 'bot_maker'],
    ['And are you a gentleman or a lady, if I may ask?', 'bot_identity'],
    ['be honest, do u feel the same way?', 'bot_likes_user'],
    ['You are AI? Which language you speak the best?', 'bot_languages'],
    ['which languages do you speak', 'bot_languages'],
    ['Can you dream at night when nobody talk to you?', 'bot_sleep'],
    ['if you were a real person for a day what would you eat', 'bot_human_day'],
    ['what would you do if you won the lottery', 'bot_hypothetical'],
    ['ok what would you do with a day off then', 'bot_hypothetical'],
    ['have you ever been to the sea', 'bot_ever'],
    ['do you climb? oh wait lol. do you?', 'bot_ever'],
    ['fine. what ARE you allowed to talk about then', 'bot_abilities'],
    ['so what do you enjoy, if that is not rude to ask', 'bot_enjoys'],
    ['do you ever get tired of talking to people', 'bot_enjoys'],
    ['what r u exactly?', 'bot_identity'],
    ['wait who am i actually talking to', 'bot_identity'],
    ['Good morning. My granddaughter set you up on my telephone. May I ask who I am speaking with?', 'bot_identity'],
    ['is someone actually typing these', 'bot_identity'],
    ["so where do you 'go' between messages", 'bot_idle'],
    ['ok but you have opinions. where do those come from', 'bot_opinions'],
  ])('a question about the bot: %j → %s', (text, topic) => {
    expect(spotter.spot(text, true).topic).toBe(topic);
  });

  it('leaves a message without a known topic alone, and does not read "won\'t" or "sick of" as news', () => {
    expect(spotter.spot('what do you think about purple')).toEqual({});
    expect(spotter.spot("I won't lie, I'm sick of this")).toEqual({});
    expect(spotter.spot('my phone died, do u know the time').topic).toBeUndefined();
    expect(spotter.spot('died 64 times. i counted').topic).toBeUndefined();
    expect(spotter.spot('he walked in at the exact second it died').topic).toBeUndefined();
    expect(spotter.spot("i'm dying of boredom").topic).toBe('bored');
    expect(spotter.spot("my sourdough starter is called Gary and i think he's dying").topic).toBeUndefined();
    expect(spotter.spot("what's your favourite season", true).topic).not.toBe('screen');
    expect(spotter.spot('just finished season 2 and i need to talk about it').topic).toBe('screen');
    expect(spotter.spot('I have a first date tomorrow. First since my divorce, that is six years').topic).not.toBe('breakup');
    expect(spotter.spot('my divorce came through today').topic).toBe('breakup');
    expect(spotter.spot('my phone died at the funeral, my grandma would have laughed').topic).toBe('grief');
  });

  it('does not read a mention as the thing itself: a joke told, a machine eating a card, a post office, 4th grade, a place someone got into', () => {
    expect(spotter.spot('He made a joke about finally having an excuse for his bad handwriting.').topic).toBeUndefined();
    expect(spotter.spot('today I go to the post office and the machine eat my card').topic).toBeUndefined();
    expect(spotter.spot('my best friend since 4th grade didnt invite me').topic).toBe('letdown');
    expect(spotter.spot('A pigeon got into the breakroom').topic).toBeUndefined();
    expect(spotter.spot('Double shift at the hospital cafeteria').topic).toBe('work');
    expect(spotter.spot('it happened last night').topic).toBeUndefined();
    expect(spotter.spot('im not going to sleep tonight').topic).not.toBe('leaving');
    expect(spotter.spot('like who vacuums at 11pm. every. night.').topic).not.toBe('leaving');
    expect(spotter.spot('ok night.').topic).toBe('leaving');
    expect(spotter.spot('first christmas without my phone lol').topic).toBeUndefined();
    expect(spotter.spot("i've been trying for a year to learn the guitar").topic).not.toBe('fertility');
    expect(spotter.spot('i got into law school').topic).toBe('celebration');
    expect(spotter.spot('ok so i ate it on the escalator at the mall today').topic).toBeUndefined();
    expect(spotter.spot('my roommate ate my leftovers AGAIN even though my name was on the box').topic).not.toBe('food');
    expect(spotter.spot("didn't get into bed until 3").topic).toBeUndefined();
    expect(spotter.spot('I put my foot down. had to put it down').topic).toBeUndefined();
    expect(spotter.spot('closing the shop at 5 today then pub').topic).not.toBe('setback');
    expect(spotter.spot('idk if i can do another whole year of this').topic).not.toBe('play');
    expect(spotter.spot('ok do another one').topic).toBe('play');
    expect(spotter.spot('tell me if it is ok to eat this').topic).not.toBe('comfort');
    expect(spotter.spot('the mona lisa painter... leonardo or michelangelo?').topic).not.toBe('either');
    expect(spotter.spot('i need a movie for tonight, something scary but not gory').topic).not.toBe('rec_screen');
    expect(spotter.spot('funeral is saturday in Cleveland and i dont even know what to wear').topic).toBe('grief');
    expect(spotter.spot('Could you suggest a book for my father? He likes naval history').topic).not.toBe('rec_book');
    expect(spotter.spot('making pancakes. milk or water??').topic).not.toBe('either');
    expect(spotter.spot('settle this: is a hot dog a sandwich. my husband and i have not spoken in 2 hours').topic).not.toBe('agree');
    expect(spotter.spot('closed the kitchen at 11:40. 186 covers and the dish machine died at 8pm').topic).toBeUndefined();
    expect(spotter.spot('and how many are dying out?').topic).toBeUndefined();
    expect(spotter.spot("that's me. i graduated in 2019").topic).toBeUndefined();
    expect(spotter.spot("it's about a bear who's scared of honey").topic).toBeUndefined();
    expect(spotter.spot("it's a games studio in dundee").topic).toBeUndefined();
    expect(spotter.spot("called them. '6 to 8 weeks'. for paint").topic).toBeUndefined();
    expect(spotter.spot('i started painting again').topic).toBe('hobbies');
  });

  it('marks grief, illness, breakups and loneliness as heavy', () => {
    expect(['grief', 'illness', 'breakup', 'lonely'].every((t) => spotter.isHeavy(t))).toBe(true);
    expect(spotter.isHeavy('food')).toBe(false);
  });

  it('refuses a pattern that is not a regular expression', () => {
    expect(() => new TopicSpotter({ relations: [], topics: [{ name: 'x', patterns: ['(unclosed'] }] })).toThrow(/x has a bad pattern/);
  });
});
