import { onnx } from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';
import { createSession, ort, type ExecutionProvider, type RuntimeOptions } from './ort';

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
export function exportHeadOnnx(head: HeadWeights, name: string, ngramDims = 0, float16Weights = false): Uint8Array {
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
    if (float16Weights) {
      // Half the file; ONNX Runtime widens them back once, when the session is built.
      initializer.push(halfTensor(`W${i}_f16`, [layer.inputs, layer.outputs], layer.weights));
      nodes.push({ opType: 'Cast', input: [`W${i}_f16`], output: [`W${i}`], name: `widen${i}`, attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] });
    } else {
      initializer.push(tensor(`W${i}`, [layer.inputs, layer.outputs], layer.weights));
    }
    initializer.push(tensor(`b${i}`, [layer.outputs], layer.bias));
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

function halfTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  const bits = Uint16Array.from(values, toHalfBits);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT16, rawData: new Uint8Array(bits.buffer) };
}

const scratch = new DataView(new ArrayBuffer(4));

/** IEEE 754 half-precision bits of a float32, rounded to nearest even (overflow → infinity). */
export function toHalfBits(value: number): number {
  scratch.setFloat32(0, value);
  const x = scratch.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  e = half >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : half);
}

/** The float32 a half-precision value stands for. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** The weights as a float16 head will serve them, so evaluation scores exactly what ships. */
export function roundWeightsToHalf(head: HeadWeights): HeadWeights {
  return { ...head, layers: head.layers.map((l) => ({ ...l, weights: Float32Array.from(l.weights, (v) => fromHalfBits(toHalfBits(v))) })) };
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
    readonly provider: ExecutionProvider,
  ) {}

  static async load(pathOrBytes: string | Uint8Array, runtime: RuntimeOptions, input = HEAD_INPUT, output = HEAD_OUTPUT): Promise<HeadRunner> {
    const { session, provider } = await createSession(pathOrBytes, runtime);
    if (!session.inputNames.includes(input)) throw new Error(`head has no input ${input}`);
    if (!session.outputNames.includes(output)) throw new Error(`head has no output ${output}`);
    const meta = session.inputMetadata.find((m) => m.name === input);
    const width = meta && meta.isTensor ? Number(meta.shape[1]) : NaN;
    return new HeadRunner(session, input, output, width, provider);
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
