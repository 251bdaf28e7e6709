/** The generators a worker can run; GENERATOR picks one per deployment. */
export const GENERATOR_NAMES = ['retrieval', 'llm'] as const;
export type GeneratorName = (typeof GENERATOR_NAMES)[number];
