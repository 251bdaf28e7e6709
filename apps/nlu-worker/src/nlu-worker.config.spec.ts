import { nluGroupId, nluWorkerConfigSchema } from './nlu-worker.config';

describe('nlu-worker config', () => {
  const parse = (NLU_TASKS?: string) => nluWorkerConfigSchema.safeParse({ NLU_TASKS });

  it('serves one task or several, in the order named', () => {
    expect(parse('intent').data?.NLU_TASKS).toEqual(['intent']);
    expect(parse('intent, emotion,sentiment').data?.NLU_TASKS).toEqual(['intent', 'emotion', 'sentiment']);
  });

  it('refuses no task, a task named twice and a name that is not a model folder', () => {
    expect(parse(undefined).error?.issues[0].message).toBe('name at least one task');
    expect(parse('none').success).toBe(false);
    expect(parse('intent,intent').error?.issues[0].message).toBe('a task is named twice');
    expect(parse('../secrets').success).toBe(false);
  });

  it('names the consumer group after the task set, so one task keeps its nlu-<task> group', () => {
    expect(nluGroupId(['intent'])).toBe('nlu-intent');
    expect(nluGroupId(['intent', 'emotion'])).toBe('nlu-intent+emotion');
  });
});
