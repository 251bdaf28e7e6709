/**
 * What the chaos clients say: each conversation opens with the user's name, goes on with everyday
 * lines, and after the faults asks the bot for the name (its reply must hold it: the state outlived
 * every kill, rebalance and outage).
 */

/** One name per conversation: none an English word, so "my name is …" always names (dialogue-state's userNameIn). */
export const NAMES = (
  'Priya Jonas Mateo Aiko Zofia Kwame Ingrid Ravi Svetlana Tariq Ximena Bjorn Chiara Dmitri Esra Farid Giulia Hamid Ilse Joaquin ' +
  'Katya Lorenzo Mireille Nnamdi Oksana Pavel Quentin Rafaela Soren Thandiwe Ulrike Vikram Wiremu Yusuf Zanele Anouk Bartek Caoimhe Dagny Emeka'
).split(' ');

export const MAX_CONVERSATIONS = NAMES.length;

const LINES = [
  'I had an awful day at work',
  'hello there!',
  'what will the weather be like tomorrow?',
  'I love you',
  'my sister got a puppy and it is so cute',
  'tell me a joke',
  'I went hiking last weekend',
  'what time is it?',
];

export const NAME_QUESTION = "what's my name?";

export interface Line {
  conversationId: string;
  userId: string;
  text: string;
}

/** The i-th message of the load, over `conversations` conversations in turn: each one's first is the introduction. */
export function lineOf(i: number, conversations: number): Line {
  const k = i % conversations;
  const turn = Math.floor(i / conversations);
  return { ...speaker(k), text: turn === 0 ? `my name is ${NAMES[k]}` : LINES[i % LINES.length] };
}

/** The last message of conversation k, after the faults. */
export function nameQuestion(k: number): Line {
  return { ...speaker(k), text: NAME_QUESTION };
}

function speaker(k: number): Omit<Line, 'text'> {
  return { conversationId: `conv-${k}`, userId: `user-${k}` };
}
