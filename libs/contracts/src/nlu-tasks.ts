/** The NLU tasks the bot runs on every message; each is a model under models/ and a worker deployment. */
export const NLU_TASKS = ['intent', 'emotion', 'sentiment', 'toxicity', 'dialog_act', 'language', 'entities'] as const;
export type NluTaskName = (typeof NLU_TASKS)[number];
