/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the data. Read-only, the dtypes the
 * project's weights use.
 */

export type Tensor = { dtype: 'F32'; shape: number[]; data: Float32Array } | { dtype: 'I8'; shape: number[]; data: Int8Array } | { dtype: 'I64'; shape: number[]; data: BigInt64Array };

export interface Safetensors {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

const WIDTH = { F32: 4, I8: 1, I64: 8 } as const;

export function readSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) throw new SafetensorsError('shorter than its header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new SafetensorsError(`header of ${headerLength} bytes runs past the end`);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as Record<string, unknown>;
  const start = 8 + headerLength;
  const tensors = new Map<string, Tensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in WIDTH)) throw new SafetensorsError(`${name}: dtype ${dtype} is not read here`);
    const width = WIDTH[dtype as keyof typeof WIDTH];
    const count = shape.reduce((a, b) => a * b, 1);
    const [from, to] = offsets;
    if (to - from !== count * width || start + to > bytes.length) throw new SafetensorsError(`${name}: ${to - from} bytes for ${count} × ${dtype}`);
    // A copy, so the typed array is aligned whatever the offset (a Buffer's slice would be a view).
    const raw = new Uint8Array(bytes.subarray(start + from, start + to)).buffer;
    const tensor =
      dtype === 'F32'
        ? { dtype, shape, data: new Float32Array(raw) }
        : dtype === 'I8'
          ? { dtype, shape, data: new Int8Array(raw) }
          : { dtype, shape, data: new BigInt64Array(raw) };
    tensors.set(name, tensor as Tensor);
  }
  return { tensors, metadata };
}
