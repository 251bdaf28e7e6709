import { onnx } from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';
import { createSession, ort, type RuntimeOptions } from './ort';

/** A fully connected layer: y = x·W + b, with W stored row-major as inputs × outputs. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** A classification head: dense layers with ReLU between them, then softmax (one label) or sigmoid (many). */
export interface HeadWeights {
  layers: DenseLayer[];
  output: 'softmax' | 'sigmoid';
}

export const HEAD_INPUT = 'embedding';
export const HEAD_OUTPUT = 'probabilities';
export const NGRAM_INPUT = 'ngrams';
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/**
 * The head as an ONNX model (opset 17: Gemm, Relu, Softmax/Sigmoid), so ONNX Runtime runs it on CPU
 * or GPU like any other model. With `ngramDims`, it takes hashed n-grams as a second input and
 * concatenates them after the embedding.
 */
export function exportHeadOnnx(head: HeadWeights, name: string, ngramDims = 0): Uint8Array {
  if (head.layers.length === 0) throw new Error('a head needs at least one layer');
  const nodes: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  let current = HEAD_INPUT;
  const embeddingWidth = head.layers[0].inputs - ngramDims;
  if (ngramDims > 0) {
    nodes.push({ opType: 'Concat', input: [HEAD_INPUT, NGRAM_INPUT], output: ['features'], name: 'concat', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] });
    current = 'features';
  }
  head.layers.forEach((layer, i) => {
    if (i > 0 && layer.inputs !== head.layers[i - 1].outputs) throw new Error(`layer ${i} takes ${layer.inputs}, previous gives ${head.layers[i - 1].outputs}`);
    initializer.push(tensor(`W${i}`, [layer.inputs, layer.outputs], layer.weights), tensor(`b${i}`, [layer.outputs], layer.bias));
    const gemm = i === head.layers.length - 1 ? 'logits' : `h${i}`;
    nodes.push({ opType: 'Gemm', input: [current, `W${i}`, `b${i}`], output: [gemm], name: `dense${i}` });
    current = gemm;
    if (i < head.layers.length - 1) {
      nodes.push({ opType: 'Relu', input: [gemm], output: [`a${i}`], name: `relu${i}` });
      current = `a${i}`;
    }
  });
  nodes.push(
    head.output === 'softmax'
      ? { opType: 'Softmax', input: [current], output: [HEAD_OUTPUT], name: 'softmax', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }
      : { opType: 'Sigmoid', input: [current], output: [HEAD_OUTPUT], name: 'sigmoid' },
  );
  const classes = head.layers[head.layers.length - 1].outputs;
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'sassy-social-bot train',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name,
      node: nodes,
      initializer,
      input: [valueInfo(HEAD_INPUT, embeddingWidth), ...(ngramDims > 0 ? [valueInfo(NGRAM_INPUT, ngramDims)] : [])],
      output: [valueInfo(HEAD_OUTPUT, classes)],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

function tensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function valueInfo(name: string, width: number): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } } };
}

/** Runs an exported head on a batch of embeddings. */
export class HeadRunner {
  private constructor(
    private readonly session: InferenceSession,
    private readonly input: string,
    private readonly output: string,
    readonly inputs: number,
  ) {}

  static async load(pathOrBytes: string | Uint8Array, runtime: RuntimeOptions, input = HEAD_INPUT, output = HEAD_OUTPUT): Promise<HeadRunner> {
    const session = await createSession(pathOrBytes, runtime);
    if (!session.inputNames.includes(input)) throw new Error(`head has no input ${input}`);
    if (!session.outputNames.includes(output)) throw new Error(`head has no output ${output}`);
    const meta = session.inputMetadata.find((m) => m.name === input);
    const width = meta && meta.isTensor ? Number(meta.shape[1]) : NaN;
    return new HeadRunner(session, input, output, width);
  }

  /** Probabilities, one row of classes per embedding (and n-gram row, for heads that read them). */
  async run(embeddings: Float32Array, rows: number, ngrams?: Float32Array): Promise<{ data: Float32Array; classes: number }> {
    const { Tensor } = ort();
    const feeds = { [this.input]: new Tensor('float32', embeddings, [rows, embeddings.length / rows]) };
    if (this.session.inputNames.includes(NGRAM_INPUT)) {
      if (!ngrams) throw new Error(`this head also reads ${NGRAM_INPUT}`);
      feeds[NGRAM_INPUT] = new Tensor('float32', ngrams, [rows, ngrams.length / rows]);
    }
    const result = (await this.session.run(feeds))[this.output];
    return { data: result.data as Float32Array, classes: result.dims[1] };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
