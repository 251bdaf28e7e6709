import { onnx } from 'onnx-proto';
import { createSession, DEFAULT_RUNTIME, ort } from './ort';
import { readSafetensors, SafetensorsError } from './safetensors';
import { rebuildModel, WeightDeltaError } from './weight-delta';

type Entry = [name: string, dtype: 'F32' | 'I8', shape: number[], values: number[]];

/** A safetensors file as Python's safetensors writes one (header, then the tensors back to back). */
function safetensors(entries: Entry[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, dtype, shape, values] of entries) {
    const data = dtype === 'F32' ? new Uint8Array(Float32Array.from(values).buffer) : new Uint8Array(Int8Array.from(values).buffer);
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.length] };
    parts.push(data);
    offset += data.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...parts]);
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** y = x · enc.W + head.b, x [1, 3]; both parameters left empty, as graph.onnx leaves them. */
function graph(): Uint8Array {
  const io = (name: string, width: number): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: width }] } } } });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny',
      initializer: [
        { name: 'enc.W', dims: [3, 2], dataType: FLOAT },
        { name: 'head.b', dims: [2], dataType: FLOAT },
      ],
      node: [
        { opType: 'MatMul', input: ['x', 'enc.W'], output: ['xw'] },
        { opType: 'Add', input: ['xw', 'head.b'], output: ['y'] },
      ],
      input: [io('x', 3)],
      output: [io('y', 2)],
    },
  }).finish();
}

async function run(model: Uint8Array, x: number[]): Promise<number[]> {
  const { session } = await createSession(model, DEFAULT_RUNTIME);
  const { y } = await session.run({ x: new (ort().Tensor)('float32', Float32Array.from(x), [1, 3]) });
  await session.release();
  return Array.from(y.data as Float32Array);
}

describe('rebuildModel: a fine-tune from its base weights and a committed difference (real ONNX Runtime)', () => {
  const base = readSafetensors(safetensors([['W', 'F32', [3, 2], [1, 0, 0, 1, 1, 1]]]));

  it('adds a low-rank int8 difference to the base and takes a head whole', async () => {
    // (a · a_scale) (b · b_scale) = [2, 0, -2]ᵀ · 0.5 × [1, 4] · 0.25 = [[0.25, 1], [0, 0], [-0.25, -1]]
    const delta = readSafetensors(
      safetensors(
        [
          ['enc.W.a', 'I8', [3, 1], [2, 0, -2]],
          ['enc.W.a_scale', 'F32', [3], [0.5, 0.5, 0.5]],
          ['enc.W.b', 'I8', [1, 2], [1, 4]],
          ['enc.W.b_scale', 'F32', [1], [0.25]],
          ['head.b', 'F32', [2], [10, 20]],
        ],
        { prefix: 'enc.' },
      ),
    );
    // W = [[1.25, 1], [0, 1], [0.75, 0]]; x = [1, 2, 4]: x·W = [1.25 + 3, 1 + 2 + 0] = [4.25, 3]
    expect(await run(rebuildModel(graph(), base, delta), [1, 2, 4])).toEqual([14.25, 23]);
  });

  it('adds a full difference', async () => {
    const delta = readSafetensors(
      safetensors(
        [
          ['enc.W.delta', 'F32', [3, 2], [0, 0, 0, 0, 1, -1]],
          ['head.b', 'F32', [2], [0, 0]],
        ],
        { prefix: 'enc.' },
      ),
    );
    expect(await run(rebuildModel(graph(), base, delta), [1, 2, 4])).toEqual([9, 2]);
  });

  it('refuses a parameter that neither holds, and factors that do not fit', () => {
    const noHead = readSafetensors(safetensors([['enc.W.delta', 'F32', [3, 2], [0, 0, 0, 0, 0, 0]]], { prefix: 'enc.' }));
    expect(() => rebuildModel(graph(), base, noHead)).toThrow(new WeightDeltaError('head.b: neither in the delta nor in the base'));
    const wrongRank = readSafetensors(
      safetensors(
        [
          ['enc.W.a', 'I8', [3, 2], [1, 1, 1, 1, 1, 1]],
          ['enc.W.a_scale', 'F32', [3], [1, 1, 1]],
          ['enc.W.b', 'I8', [1, 2], [1, 1]],
          ['enc.W.b_scale', 'F32', [1], [1]],
          ['head.b', 'F32', [2], [0, 0]],
        ],
        { prefix: 'enc.' },
      ),
    );
    expect(() => rebuildModel(graph(), base, wrongRank)).toThrow(/do not make \[3,2\]/);
  });
});

describe('readSafetensors', () => {
  it('reads each tensor at its offsets, and the metadata', () => {
    const file = readSafetensors(
      safetensors(
        [
          ['q', 'I8', [3], [-1, 0, 1]],
          ['w', 'F32', [2], [0.5, -2]],
        ],
        { prefix: 'x.' },
      ),
    );
    expect(file.metadata).toEqual({ prefix: 'x.' });
    expect(Array.from(file.tensors.get('q')!.data as Int8Array)).toEqual([-1, 0, 1]);
    expect(Array.from(file.tensors.get('w')!.data as Float32Array)).toEqual([0.5, -2]);
  });

  it('refuses a truncated file and a size that does not match the shape', () => {
    expect(() => readSafetensors(new Uint8Array(4))).toThrow(SafetensorsError);
    const bytes = safetensors([['w', 'F32', [2], [1, 2]]]);
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 1))).toThrow(/w: 8 bytes for 2 × F32/);
  });
});
