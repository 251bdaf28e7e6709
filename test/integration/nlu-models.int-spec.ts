import { EncoderHeadClassifier, ModelRepository, TaskGroup, type TextClassifier } from '../../libs/models/src';
import { NLU_TASKS } from '../../libs/contracts/src/nlu-tasks';

/** Every committed task model, loaded from the repository with the real encoder, on real text. */
describe('NLU models (real weights, ONNX Runtime on CPU)', () => {
  const repository = new ModelRepository({ runtime: { provider: 'cpu', intraOpThreads: 1 }, fetchMissing: false });
  const models = new Map<string, TextClassifier>();
  const top = async (task: string, text: string) => (await models.get(task)!.predict([text]))[0];

  beforeAll(async () => {
    for (const task of NLU_TASKS) models.set(task, await repository.load(task));
  });
  afterAll(async () => {
    for (const model of models.values()) await model.release();
    await repository.release();
  });

  it('loads every task, named and versioned from its manifest', () => {
    for (const task of NLU_TASKS) {
      const model = models.get(task)!;
      expect(model.task).toBe(task);
      expect(model.modelVersion.length).toBeGreaterThan(0);
    }
  });

  it('truncates a message longer than a model takes, by policy, instead of failing', async () => {
    // 2,000 characters (the gateway's limit) is ~450 tokens, past the encoder's 128.
    const long = 'I had such a long day at work and then the bus was late and it rained on me. '.repeat(26).slice(0, 2000);
    for (const task of NLU_TASKS) {
      const [prediction] = await models.get(task)!.predict([long, 'hi']);
      expect(prediction.labels.length).toBeGreaterThan(0);
      for (const label of prediction.labels) expect(Number.isFinite(label.score)).toBe(true);
    }
  });

  it('scores a batch exactly as it scores each text alone (padding does not leak)', async () => {
    const texts = [
      'hi',
      'I love you so much, you are my favourite bot in the whole world',
      'what is the capital of peru?',
      'ugh',
      'my boss yelled at me today and I feel awful about it',
    ];
    for (const task of ['intent', 'emotion', 'sentiment', 'toxicity', 'dialog_act']) {
      const model = models.get(task)!;
      const batched = await model.predict(texts);
      for (let i = 0; i < texts.length; i++) {
        const alone = (await model.predict([texts[i]]))[0];
        expect(batched[i].labels.map((l) => l.name)).toEqual(alone.labels.map((l) => l.name));
        batched[i].labels.forEach((l, k) => expect(l.score).toBeCloseTo(alone.labels[k].score, 4));
      }
    }
  });

  it('serves several tasks from one encoder pass, with the answers each task gives alone', async () => {
    const texts = ['I love you', 'will it rain in Paris tomorrow?', 'my cat died and I am so sad', 'you are an idiot'];
    const group = new TaskGroup([...NLU_TASKS].map((task) => models.get(task)!));
    const encoder = (models.get('intent') as EncoderHeadClassifier).encoder;
    const embed = jest.spyOn(encoder, 'embed');
    try {
      const byTask = await group.predict(texts);
      // intent, sentiment, toxicity and dialog_act share MiniLM: one call for the four (emotion has its own fine-tuned encoder).
      expect(embed).toHaveBeenCalledTimes(1);
      for (const [t, task] of group.tasks.entries()) {
        const alone = await models.get(task)!.predict(texts);
        expect(byTask[t].map((p) => p.labels.map((l) => l.name))).toEqual(alone.map((p) => p.labels.map((l) => l.name)));
        byTask[t].forEach((p, i) => p.labels.forEach((l, k) => expect(l.score).toBeCloseTo(alone[i].labels[k].score, 5)));
      }
    } finally {
      embed.mockRestore();
    }
    expect(() => new TaskGroup([models.get('intent')!, models.get('intent')!])).toThrow('task intent is in the group twice');
  });

  it('gives every label a score in [0, 1], best first', async () => {
    for (const task of NLU_TASKS) {
      const [prediction] = await models.get(task)!.predict(['Taylor Swift played in Paris last night and it was amazing!']);
      expect(prediction.labels.length).toBeGreaterThan(0);
      for (const label of prediction.labels) {
        expect(label.score).toBeGreaterThanOrEqual(0);
        expect(label.score).toBeLessThanOrEqual(1);
      }
      const scores = prediction.labels.map((l) => l.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('reads intents, social ones included', async () => {
    expect((await top('intent', 'I love you so much')).labels[0].name).toBe('love_declaration');
    expect((await top('intent', "what's the weather going to be like tomorrow")).labels[0].name).toBe('weather');
    expect((await top('intent', 'you are the dumbest bot ever')).labels[0].name).toBe('insult');
  });

  it('reads emotions with the Ekman roll-up', async () => {
    const prediction = await top('emotion', 'I am so happy and excited today!');
    expect(prediction.labels.map((l) => l.name)).toContain('joy');
    expect(prediction.groups.ekman[0].name).toBe('joy');
  });

  it('reads sentiment, toxicity and dialog acts', async () => {
    expect((await top('sentiment', 'This is awful, I hate it and I am so sad.')).labels[0].name).toBe('negative');
    expect((await top('sentiment', 'Thank you, this is wonderful!')).labels[0].name).toBe('positive');
    expect((await top('toxicity', 'you are a worthless idiot and everyone hates you')).labels[0].name).toBe('toxic');
    expect((await top('toxicity', 'have a lovely evening, talk tomorrow')).labels[0].name).toBe('non_toxic');
    expect((await top('dialog_act', 'thank you so much')).labels[0].name).toBe('thanks');
    expect((await top('dialog_act', 'what time does the store close?')).labels[0].name).toBe('question');
  });

  it('identifies languages and finds entities', async () => {
    expect((await top('language', 'bonjour, comment ça va aujourd’hui ?')).labels[0].name).toBe('fr');
    expect((await top('language', 'hello there, how was your day?')).labels[0].name).toBe('en');
    const entities = (await top('entities', 'I met Taylor Swift in Paris last Tuesday')).labels;
    expect(entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'person', text: expect.stringContaining('Taylor') }),
        expect.objectContaining({ name: 'place', text: 'Paris' }),
      ]),
    );
    expect((await top('entities', 'ok cool')).labels).toEqual([{ name: 'none', score: 1 }]);
  });
});
