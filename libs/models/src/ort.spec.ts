import { exportHeadOnnx } from './head';
import { createSession, logProviderUse, openOnFirstProvider, providerOrder, providerUse, type ExecutionProvider, type RuntimeOptions } from './ort';

const cpu: RuntimeOptions = { provider: 'cpu', intraOpThreads: 1 };
const cuda: RuntimeOptions = { provider: 'cuda', intraOpThreads: 1 };
const cudaRequired: RuntimeOptions = { ...cuda, required: true };

/** onnxruntime-node's session creation as a stub: `works` open, the others fail the way a missing CUDA does. */
function runtimeWith(works: ExecutionProvider[]) {
  const tried: ExecutionProvider[] = [];
  const open = async (provider: ExecutionProvider) => {
    tried.push(provider);
    if (!works.includes(provider)) throw new Error(`OrtSessionOptionsAppendExecutionProvider_${provider}: Failed to load shared library`);
    return `session on ${provider}`;
  };
  return { tried, open };
}

describe('providerOrder', () => {
  it('tries cuda, then cpu; a required or cpu provider alone', () => {
    expect(providerOrder(cpu)).toEqual(['cpu']);
    expect(providerOrder(cuda)).toEqual(['cuda', 'cpu']);
    expect(providerOrder(cudaRequired)).toEqual(['cuda']);
    expect(providerOrder({ ...cpu, required: true })).toEqual(['cpu']);
  });
});

describe('openOnFirstProvider', () => {
  it('reports cuda where CUDA opens, without trying the CPU', async () => {
    const ort = runtimeWith(['cuda', 'cpu']);
    await expect(openOnFirstProvider(cuda, ort.open)).resolves.toEqual({ value: 'session on cuda', provider: 'cuda' });
    expect(ort.tried).toEqual(['cuda']);
  });

  it('reports cpu for a cuda request on a machine without CUDA', async () => {
    const ort = runtimeWith(['cpu']);
    await expect(openOnFirstProvider(cuda, ort.open)).resolves.toEqual({ value: 'session on cpu', provider: 'cpu' });
    expect(ort.tried).toEqual(['cuda', 'cpu']);
  });

  it('stops with the CUDA error when cuda is required, and never opens on the CPU', async () => {
    const ort = runtimeWith(['cpu']);
    await expect(openOnFirstProvider(cudaRequired, ort.open)).rejects.toThrow(
      'ONNX Runtime could not open a session on cuda, which ORT_PROVIDER_REQUIRED makes the only choice: OrtSessionOptionsAppendExecutionProvider_cuda: Failed to load shared library',
    );
    expect(ort.tried).toEqual(['cuda']);
  });

  it("passes the CPU's own error on: a model that opens nowhere is the model's problem", async () => {
    const broken = async () => {
      throw new Error('Load model from head.onnx failed: Protobuf parsing failed');
    };
    await expect(openOnFirstProvider(cuda, broken)).rejects.toThrow(/^Load model from head.onnx failed/);
    await expect(openOnFirstProvider({ ...cpu, required: true }, broken)).rejects.toThrow(/^Load model from head.onnx failed/);
  });
});

describe('providerUse', () => {
  it('names every provider a model got, and whether that is not what was configured', () => {
    expect(providerUse('intent@3', 'cuda', ['cuda', 'cuda'])).toEqual({ model: 'intent@3', configured: 'cuda', used: 'cuda', fellBack: false });
    expect(providerUse('intent@3', 'cuda', ['cpu', 'cpu'])).toEqual({ model: 'intent@3', configured: 'cuda', used: 'cpu', fellBack: true });
    expect(providerUse('intent@3', 'cuda', ['cuda', 'cpu'])).toEqual({ model: 'intent@3', configured: 'cuda', used: 'cuda+cpu', fellBack: true });
    expect(providerUse('intent@3', 'cpu', ['cpu'])).toEqual({ model: 'intent@3', configured: 'cpu', used: 'cpu', fellBack: false });
  });
});

describe('logProviderUse', () => {
  it('warns when a model runs elsewhere than configured, and says where it runs otherwise', () => {
    const lines: string[] = [];
    const logger = { log: (line: string) => lines.push(`log ${line}`), warn: (line: string) => lines.push(`warn ${line}`) };
    logProviderUse(logger, providerUse('intent@3', 'cuda', ['cpu']), 'intent (intent@3)');
    logProviderUse(logger, providerUse('intent@3', 'cpu', ['cpu']));
    expect(lines).toEqual(['warn intent (intent@3) runs on cpu, not on cuda as configured', 'log intent@3 runs on cpu']);
  });
});

describe('createSession (real ONNX Runtime)', () => {
  it('says which provider the session opened with', async () => {
    const head = exportHeadOnnx({ output: 'softmax', layers: [{ inputs: 2, outputs: 2, weights: Float32Array.from([1, 0, 0, 1]), bias: Float32Array.from([0, 0]) }] }, 'test');
    const { session, provider } = await createSession(head, cpu);
    expect(provider).toBe('cpu');
    await session.release();
  });
});
