/** The NluTask this process runs, chosen by TASK. */
export const NLU_TASK = Symbol('NLU_TASK');
