import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { TokenBatch } from './tokenizer';

/** Where ONNX Runtime runs a model: `cpu` everywhere, `cuda` on GPU nodes with the CUDA build of onnxruntime-node. */
export type ExecutionProvider = 'cpu' | 'cuda';

export interface RuntimeOptions {
  provider: ExecutionProvider;
  /** Threads for one operator; 0 lets ONNX Runtime choose (all cores). */
  intraOpThreads: number;
  /** No fallback to the CPU: a session that cannot open on `provider` stops the load (ORT_PROVIDER_REQUIRED). */
  required?: boolean;
}

export const DEFAULT_RUNTIME: RuntimeOptions = { provider: 'cpu', intraOpThreads: 0 };

// Loaded on first use: importing a model library must not pull in the native binding.
let ortModule: typeof import('onnxruntime-node') | undefined;
export function ort(): typeof import('onnxruntime-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ortModule ??= require('onnxruntime-node') as typeof import('onnxruntime-node');
  return ortModule;
}

export function sessionOptions(runtime: RuntimeOptions, provider: ExecutionProvider): InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(runtime.intraOpThreads > 0 ? { intraOpNumThreads: runtime.intraOpThreads } : {}),
    interOpNumThreads: 1,
    // The arena keeps the largest batch's buffers for good; without it the seven NLU tasks in one
    // process peaked 14 MiB lower at the same speed (300 batches of 1–32 texts).
    enableCpuMemArena: false,
  };
}

/**
 * The providers to open a session with, one at a time, best first. Given ['cuda', 'cpu'] at once,
 * onnxruntime-node 1.30 fails outright when CUDA's libraries do not load, and a session that opens
 * does not say which provider it got: trying each alone makes the one in use known.
 */
export function providerOrder(runtime: RuntimeOptions): ExecutionProvider[] {
  return runtime.provider === 'cuda' && !runtime.required ? ['cuda', 'cpu'] : [runtime.provider];
}

/** A session and the execution provider it opened with. */
export interface OrtSession {
  session: InferenceSession;
  provider: ExecutionProvider;
}

/** Opens with the first provider of providerOrder that works; `open` is onnxruntime-node's (a stub in tests). */
export async function openOnFirstProvider<T>(runtime: RuntimeOptions, open: (provider: ExecutionProvider) => Promise<T>): Promise<{ value: T; provider: ExecutionProvider }> {
  const order = providerOrder(runtime);
  for (let i = 0; ; i++) {
    const provider = order[i];
    try {
      return { value: await open(provider), provider };
    } catch (error) {
      // On to the next provider; ONNX Runtime has logged why this one failed.
      if (i + 1 < order.length) continue;
      if (!runtime.required || provider === 'cpu') throw error;
      // Not `instanceof Error`: errors from the native binding may come from another realm (jest's).
      const reason = String((error as { message?: unknown } | undefined)?.message ?? error);
      throw new Error(`ONNX Runtime could not open a session on ${provider}, which ORT_PROVIDER_REQUIRED makes the only choice: ${reason}`, { cause: error });
    }
  }
}

export async function createSession(pathOrBytes: string | Uint8Array, runtime: RuntimeOptions): Promise<OrtSession> {
  const { InferenceSession } = ort();
  const { value: session, provider } = await openOnFirstProvider(runtime, (provider) => {
    const options = sessionOptions(runtime, provider);
    return typeof pathOrBytes === 'string' ? InferenceSession.create(pathOrBytes, options) : InferenceSession.create(pathOrBytes, options);
  });
  return { session, provider };
}

/** Where a model runs, as configured and as loaded (e.g. `cuda` and `cpu`: CUDA did not load). */
export interface ProviderUse {
  model: string;
  configured: string;
  used: string;
  /** Some of it runs on the CPU in place of the GPU it was configured for. */
  fellBack: boolean;
}

/**
 * The start-up line for where a model runs (`subject` names it, by default its model name): a
 * warning when it runs elsewhere than configured, which only loads without ORT_PROVIDER_REQUIRED
 * or LLM_GPU_REQUIRED (they stop the start instead).
 */
export function logProviderUse(logger: { log(line: string): void; warn(line: string): void }, use: ProviderUse, subject = use.model): void {
  if (use.fellBack) logger.warn(`${subject} runs on ${use.used}, not on ${use.configured} as configured`);
  else logger.log(`${subject} runs on ${use.used}`);
}

/** An ONNX Runtime model's: `used` is every provider its sessions got, `+`-joined when they differ (`cuda+cpu`). */
export function providerUse(model: string, configured: ExecutionProvider, providers: readonly ExecutionProvider[]): ProviderUse {
  const used = [...new Set(providers)];
  return { model, configured, used: used.join('+'), fellBack: used.some((provider) => provider !== configured) };
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
