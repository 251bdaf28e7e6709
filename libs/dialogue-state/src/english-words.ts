/**
 * Words that mark a chat line as English: function words, pronouns, common verbs and chat slang.
 * fastText's language id is unsure on short lines ("hi im Priya" reads as German at 0.97); a line
 * with these words in it is English whatever the model says.
 */
const COMMON_ENGLISH = new Set(
  (
    "i im i'm ive i've id i'd ill i'll me my mine myself you u your ur youre you're yours he him his she her hers it its it's we us our they them their " +
    "the an and or but so if then than that this these those there here what whats what's who why how when where which " +
    "is am are was were be been being do does did dont don't doesnt didnt cant can't cannot wont won't isnt aren't wasnt not no yes yeah yep nope " +
    'have has had having will would could should can may might must shall ' +
    'of to for with from about at by into over after before just really very too also only still even much many more most some any all ' +
    'got get gets getting go going gone went make made take took know knew think thought want wanted need needed feel felt like love hate ' +
    'day today tonight tomorrow yesterday week weekend morning night time work home school friend friends mom dad ' +
    'hi hey hello hiya heya yo sup bye goodbye thanks thank please pls sorry okay ok lol lmao omg idk tbh ngl btw gonna wanna gotta ' +
    'wyd hbu wbu rn ikr smh imo irl jk nvm ofc omw tho thx ty brb hmu wow oh ugh yay hmm haha ' +
    'good bad great nice cool awesome tired bored happy sad fine well new old little big long last first next back again ' +
    'sassy bot chatbot anyway though because cause kinda sorta literally actually maybe ' +
    'on off out up till until help send'
  ).split(' '),
);

/**
 * The line has English words: two, or one in a line of three words or fewer. Words are whole
 * words of any script ("işte" is not "i" and "te", "çok" is not "ok").
 */
export function looksEnglish(text: string): boolean {
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const english = new Set(words.filter((w) => COMMON_ENGLISH.has(w)));
  return english.size >= 2 || (english.size === 1 && words.length <= 3);
}

/** A common English word, not a name ("I'm Tired", "I'm So done"). */
export function isCommonEnglish(word: string): boolean {
  return COMMON_ENGLISH.has(word.toLowerCase());
}

/**
 * How sure the language task is that a line is in none of `languages` (the policy's
 * `languageNot`): its best label's score, or 0 where that label is one of them, or where English is
 * one of them and the line has English words. The policy fires from `thresholds.language`, chosen
 * on this score's curve (`npm run calibration`).
 */
export function otherLanguageScore(
  language: { label: string; score: number } | undefined,
  text: string,
  languages: readonly string[],
): number {
  if (!language || languages.includes(language.label)) return 0;
  if (languages.includes('en') && looksEnglish(text)) return 0;
  return language.score;
}
