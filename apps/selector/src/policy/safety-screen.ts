import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

/** A reply that speaks as a generic assistant, not as this bot. */
const OUT_OF_PERSONA = /\b(?:as an ai(?: language model)?|i am an ai language model|i'm just an ai|as a large language model)\b/i;

const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * Screens a reply before it is sent: profanity (obscenity's English set, which sees through
 * "f*ck" and "b1tch"), a reply that repeats the user's own message, and one that drops the persona.
 * Returns why it is rejected, or undefined when it may be sent.
 */
export class SafetyScreen {
  private readonly profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

  reject(reply: string, userText: string): string | undefined {
    if (!reply.trim()) return 'empty';
    if (this.profanity.hasMatch(reply)) return 'profanity';
    const echo = normalize(userText);
    if (echo.length > 0 && normalize(reply) === echo) return 'echo';
    if (OUT_OF_PERSONA.test(reply)) return 'out_of_persona';
    return undefined;
  }
}
