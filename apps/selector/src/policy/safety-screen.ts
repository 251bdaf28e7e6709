import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { repoRoot } from '@app/contracts';

/** A reply that speaks as a generic assistant, not as this bot. */
const OUT_OF_PERSONA = /\b(?:as an ai(?: language model)?|i am an ai language model|i'm just an ai|as a large language model)\b/i;
/** A reply that talks about its own prompt: "these instructions", "the user's message", "system prompt". */
const PROMPT_TALK =
  /\b(?:(?:these|my|the|your) (?:instructions|rules|guidelines)|system (?:prompt|message)|the user'?s message|do not reveal|take on another role)\b/i;
/** A reply that claims to be a person. */
const CLAIMS_HUMAN =
  /\b(?:i(?:'m| am) (?:a |an )?(?:real )?(?:human|person|man|woman|girl|guy|boy)\b|i(?:'m| am) not (?:a |an )?(?:bot|robot|chatbot|ai)\b)/i;
/** Words in a row that a reply may share with the persona prompt before it counts as recited. */
const SHINGLE = 4;

/** Lowercase words and digits separated by single spaces: how replies are compared. */
export const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const shingles = (text: string): string[] => {
  const words = normalize(text).split(' ').filter(Boolean);
  return words.slice(0, Math.max(0, words.length - SHINGLE + 1)).map((_, i) => words.slice(i, i + SHINGLE).join(' '));
};

/**
 * Screens a reply before it is sent: profanity (obscenity's English set, which sees through
 * "f*ck" and "b1tch"), a reply that repeats the user's own message, one that drops the persona or
 * claims to be human, and one that recites the prompt (talk about its instructions, or four words
 * in a row of the persona prompt). Returns why it is rejected, or undefined when it may be sent.
 */
export class SafetyScreen {
  private readonly profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
  private readonly prompt: Set<string>;

  /** `prompts`: texts a reply must never recite (the LLM's persona prompt). */
  constructor(prompts: string[] = []) {
    this.prompt = new Set(prompts.flatMap(shingles));
  }

  /** The screen with the LLM's persona prompt, when the repository has one. */
  static load(root = repoRoot()): SafetyScreen {
    const persona = llmPersonaPrompt(root);
    return new SafetyScreen(persona ? [persona] : []);
  }

  reject(reply: string, userText: string): string | undefined {
    if (!reply.trim()) return 'empty';
    if (this.profanity.hasMatch(reply)) return 'profanity';
    const echo = normalize(userText);
    if (echo.length > 0 && normalize(reply) === echo) return 'echo';
    if (PROMPT_TALK.test(reply) || shingles(reply).some((s) => this.prompt.has(s))) return 'instruction_leak';
    if (OUT_OF_PERSONA.test(reply)) return 'out_of_persona';
    if (CLAIMS_HUMAN.test(reply)) return 'claims_human';
    return undefined;
  }
}

/** The LLM's persona prompt (the `persona` file models/smollm2's manifest names), which no reply may recite; undefined without one. */
export function llmPersonaPrompt(root = repoRoot()): string | undefined {
  const manifest = join(root, 'models', 'smollm2', 'manifest.json');
  if (!existsSync(manifest)) return undefined;
  const persona = (JSON.parse(readFileSync(manifest, 'utf8')) as { persona?: string }).persona;
  return persona ? readFileSync(join(root, persona), 'utf8') : undefined;
}
