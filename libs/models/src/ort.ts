import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { TokenBatch } from './tokenizer';

/** Where ONNX Runtime runs a model: `cpu` everywhere, `cuda` on GPU nodes with the CUDA build of onnxruntime-node. */
export type ExecutionProvider = 'cpu' | 'cuda';

export interface RuntimeOptions {
  provider: ExecutionProvider;
  /** Threads for one operator; 0 lets ONNX Runtime choose (all cores). */
  intraOpThreads: number;
}

export const DEFAULT_RUNTIME: RuntimeOptions = { provider: 'cpu', intraOpThreads: 0 };

// Loaded on first use: importing a model library must not pull in the native binding.
let ortModule: typeof import('onnxruntime-node') | undefined;
export function ort(): typeof import('onnxruntime-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ortModule ??= require('onnxruntime-node') as typeof import('onnxruntime-node');
  return ortModule;
}

export function sessionOptions(runtime: RuntimeOptions): InferenceSession.SessionOptions {
  return {
    executionProviders: runtime.provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    ...(runtime.intraOpThreads > 0 ? { intraOpNumThreads: runtime.intraOpThreads } : {}),
    interOpNumThreads: 1,
    // The arena keeps the largest batch's buffers for good; without it the seven NLU tasks in one
    // process peaked 14 MiB lower at the same speed (300 batches of 1–32 texts).
    enableCpuMemArena: false,
  };
}

export async function createSession(pathOrBytes: string | Uint8Array, runtime: RuntimeOptions): Promise<InferenceSession> {
  const { InferenceSession } = ort();
  const options = sessionOptions(runtime);
  return typeof pathOrBytes === 'string' ? InferenceSession.create(pathOrBytes, options) : InferenceSession.create(pathOrBytes, options);
}

/** The int64 [batch, length] tensors a transformer reads, for the input names it declares. */
export function tokenFeeds(tokens: TokenBatch, inputNames: readonly string[]): Record<string, Tensor> {
  const { Tensor } = ort();
  const shape = [tokens.batch, tokens.length];
  const available: Record<string, Tensor> = {
    input_ids: new Tensor('int64', tokens.inputIds, shape),
    attention_mask: new Tensor('int64', tokens.attentionMask, shape),
    token_type_ids: new Tensor('int64', tokens.tokenTypeIds, shape),
  };
  for (const name of inputNames) if (!available[name]) throw new Error(`no tokenizer output for model input ${name}`);
  return Object.fromEntries(inputNames.map((name) => [name, available[name]]));
}
