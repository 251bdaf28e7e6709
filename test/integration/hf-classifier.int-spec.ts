import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { HfTokenizer, ModelRepository, defaultModelCacheDir } from '../../libs/models/src';

const INT64 = onnx.TensorProto.DataType.INT64;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/**
 * A sequence classifier in the Hugging Face ONNX layout, small enough to check by hand: logits are
 * the mean over tokens of a per-token table, where "good" votes positive and "bad" negative.
 */
function tinyClassifier(vocab: number, good: number, bad: number): Uint8Array {
  const table = new Float32Array(vocab * 2);
  table[good * 2 + 1] = 6;
  table[bad * 2] = 6;
  const ids = (name: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny',
      initializer: [{ name: 'table', dims: [vocab, 2], dataType: FLOAT, rawData: new Uint8Array(table.buffer) }],
      node: [
        { opType: 'Gather', input: ['table', 'input_ids'], output: ['per_token'] },
        {
          opType: 'ReduceMean',
          input: ['per_token'],
          output: ['logits'],
          attribute: [
            { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
            { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
          ],
        },
      ],
      input: [ids('input_ids'), ids('attention_mask')],
      output: [{ name: 'logits', type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 2 }] } } } }],
    },
  }).finish();
}

describe('a drop-in Hugging Face ONNX classifier (config.json id2label, tokenizer.json, onnx/model.onnx)', () => {
  it('is loaded from its manifest and scores with its own labels', async () => {
    const encoderDir = join(defaultModelCacheDir(), 'minilm-l6-v2-int8');
    const tokenizer = HfTokenizer.load(encoderDir, 32);
    const [good, bad] = ['good', 'bad'].map((w) => tokenizer.ids(w)[1]);
    const modelsDir = mkdtempSync(join(tmpdir(), 'hf-models-'));
    const exportDir = join(modelsDir, 'my_sentiment', 'export');
    mkdirSync(join(exportDir, 'onnx'), { recursive: true });
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(encoderDir, file), join(exportDir, file));
    writeFileSync(join(exportDir, 'config.json'), JSON.stringify({ id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' } }));
    writeFileSync(join(exportDir, 'onnx', 'model.onnx'), tinyClassifier(30522, good, bad));
    writeFileSync(
      join(modelsDir, 'my_sentiment', 'manifest.json'),
      JSON.stringify({
        format: 'hf-onnx-classifier',
        name: 'my_sentiment',
        task: 'sentiment',
        version: '0.1',
        path: 'export',
        batching: { maxBatchSize: 8, maxQueueDelayMs: 2 },
      }),
    );
    const repository = new ModelRepository({ modelsDir, fetchMissing: false });
    const model = await repository.load('my_sentiment');
    const [positive, negative] = await model.predict(['good', 'bad']);
    // [CLS] good [SEP]: mean logits (0, 2) → softmax.
    const p = 1 / (1 + Math.exp(-2));
    expect(positive.labels[0]).toEqual({ name: 'POSITIVE', score: expect.closeTo(p, 5) });
    expect(negative.labels[0]).toEqual({ name: 'NEGATIVE', score: expect.closeTo(p, 5) });
    expect(model).toMatchObject({ task: 'sentiment', modelName: 'my_sentiment', modelVersion: '0.1' });
    await model.release();
  });
});
