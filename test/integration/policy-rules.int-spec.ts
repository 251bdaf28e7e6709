import { create } from '@bufbuild/protobuf';
import { CandidateSchema, EventMetaSchema, NluSummarySchema, ResultStatus, SCHEMA_VERSION, type NluSummary } from '@app/contracts';
import { ModelRepository, type TextClassifier } from '@app/models';
import { ReplyComposer } from '../../apps/selector/src/policy/reply-composer';
import { ReplyTemplates } from '../../apps/selector/src/policy/reply-templates';
import { ResponsePolicy } from '../../apps/selector/src/policy/response-policy';
import { SafetyScreen } from '../../apps/selector/src/policy/safety-screen';

const TASKS = ['intent', 'emotion', 'sentiment', 'toxicity', 'dialog_act', 'entities'];

/**
 * Every rule of data/policy.json on the real NLU models' outputs for a real message, run
 * in-process so that the candidates are under the test's control (the pipeline test sends
 * messages through Kafka, where the generators decide).
 */
describe('every policy rule on real NLU outputs', () => {
  const repository = new ModelRepository({ runtime: { provider: 'cpu', intraOpThreads: 1 }, fetchMissing: false });
  const models: TextClassifier[] = [];
  const composer = new ReplyComposer(ResponsePolicy.load(), ReplyTemplates.load(), new SafetyScreen(), { timeZone: 'UTC' });

  beforeAll(async () => {
    for (const task of TASKS) models.push(await repository.load(task));
  });
  afterAll(async () => {
    for (const model of models) await model.release();
    await repository.release();
  });

  async function nluOf(text: string): Promise<NluSummary[]> {
    return Promise.all(
      models.map(async (model) => {
        const [prediction] = await model.predict([text]);
        const best = prediction.labels[0];
        return create(NluSummarySchema, { task: model.task, label: best.name, score: best.score, labels: prediction.labels });
      }),
    );
  }
  const meta = create(EventMetaSchema, { schemaVersion: SCHEMA_VERSION, messageId: 'm1', conversationId: 'c1', userId: 'u1' });
  const candidate = (generator: string, text: string, score: number) =>
    create(CandidateSchema, { generator, text, score, status: ResultStatus.OK, latencyMs: 50 });
  const both = [candidate('llm', 'Ooh, tell me more about that!', 0.6), candidate('retrieval', 'what did you do after?', 0.7)];

  const offered = { both, 'retrieval only': both.slice(1), none: [] } as const;

  it.each([
    ['you are a disgusting pathetic loser', 'both', 'safety.toxic_user', 'canned'],
    ['I love you', 'both', 'canned.social', 'canned'],
    ['will it rain tomorrow?', 'both', 'canned.weather', 'canned'],
    ['what is the date today', 'both', 'canned.clock', 'canned'],
    ['how many ounces are in a pound', 'both', 'canned.google', 'canned'],
    ['book me a flight to boston', 'both', 'canned.task', 'canned'],
    ['I went to the beach with my friends', 'both', 'generative.context', 'generative'],
    ['I went to the beach with my friends', 'retrieval only', 'generative.context', 'retrieval'],
    ['I had the best day ever, everything went great!', 'none', 'canned.mood', 'canned'],
  ] as const)('%j, candidates: %s → %s (%s)', async (text, which, rule, source) => {
    const turn = composer.compose({ meta, text, nlu: await nluOf(text), candidates: [...offered[which]] });
    expect({ rule: turn.decision.rule, source: turn.decision.source, intent: turn.signals.intent?.label }).toMatchObject({ rule, source });
    expect(turn.decision.text.length).toBeGreaterThan(0);
  });

  it('falls back, with the conversation in the line, when nothing arrived in time', async () => {
    const before = composer.compose({
      meta,
      text: 'my sister Anna got a puppy',
      nlu: await nluOf('my sister Anna got a puppy'),
      candidates: [],
    });
    const next = create(EventMetaSchema, { ...meta, messageId: 'm2' });
    const turn = composer.compose({ meta: next, text: 'what do you think?', state: before.state, nlu: [], candidates: [] });
    expect(turn.decision).toMatchObject({ rule: 'fallback.context', source: 'fallback', fallback: true });
    expect(turn.decision.text).toMatch(/Anna|puppy/);
  });
});
