import type { GeneratorWorkerConfig } from '../generator-worker.config';
import { EmbeddingRetrievalGenerator } from './embedding-retrieval.generator';
import type { GeneratorName } from './generator-names';
import { LlmGenerator } from './llm.generator';
import type { ReplyGenerator } from './reply-generator';

export { GENERATOR_NAMES } from './generator-names';

type Settings = Pick<
  GeneratorWorkerConfig,
  | 'ORT_PROVIDER'
  | 'ORT_INTRA_OP_THREADS'
  | 'ORT_PROVIDER_REQUIRED'
  | 'LLM_MAX_TOKENS'
  | 'LLM_TEMPERATURE'
  | 'LLM_TOP_P'
  | 'LLM_GPU_LAYERS'
  | 'LLM_GPU_REQUIRED'
  | 'LLM_THREADS'
  | 'LLM_DEADLINE_MARGIN_MS'
  | 'LLM_MAX_INPUT_CHARS'
>;

/** Every generator a worker can run, by the name GENERATOR selects. */
const GENERATORS: Record<GeneratorName, (settings: Settings, log: (line: string) => void) => ReplyGenerator> = {
  retrieval: (s, log) =>
    new EmbeddingRetrievalGenerator(
      { provider: s.ORT_PROVIDER, intraOpThreads: s.ORT_INTRA_OP_THREADS, required: s.ORT_PROVIDER_REQUIRED },
      log,
    ),
  llm: (s, log) =>
    new LlmGenerator(
      {
        maxTokens: s.LLM_MAX_TOKENS,
        temperature: s.LLM_TEMPERATURE,
        topP: s.LLM_TOP_P,
        gpuLayers: s.LLM_GPU_LAYERS,
        gpuRequired: s.LLM_GPU_REQUIRED,
        threads: s.LLM_THREADS,
        deadlineMarginMs: s.LLM_DEADLINE_MARGIN_MS,
        maxInputChars: s.LLM_MAX_INPUT_CHARS,
      },
      log,
    ),
};

/** Defaults for a generator made outside a worker (benchmarks, tests). */
export const DEFAULT_SETTINGS: Settings = {
  ORT_PROVIDER: 'cpu',
  ORT_INTRA_OP_THREADS: 1,
  ORT_PROVIDER_REQUIRED: false,
  LLM_MAX_TOKENS: 48,
  LLM_TEMPERATURE: 0.7,
  LLM_TOP_P: 0.9,
  LLM_GPU_LAYERS: 0,
  LLM_GPU_REQUIRED: false,
  LLM_THREADS: 0,
  LLM_DEADLINE_MARGIN_MS: 120,
  LLM_MAX_INPUT_CHARS: 600,
};

export function createGenerator(
  name: GeneratorName,
  settings: Settings = DEFAULT_SETTINGS,
  log: (line: string) => void = () => {},
): ReplyGenerator {
  return GENERATORS[name](settings, log);
}
