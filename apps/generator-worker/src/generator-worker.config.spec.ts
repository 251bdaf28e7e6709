import { generatorWorkerConfigSchema } from './generator-worker.config';

describe('generator-worker config', () => {
  const parse = (env: Record<string, string>) => generatorWorkerConfigSchema.safeParse({ GENERATOR: 'llm', ...env });

  it('requires a GPU for the LLM only with layers to put on it', () => {
    expect(parse({ LLM_GPU_LAYERS: '99', LLM_GPU_REQUIRED: 'true' }).data?.LLM_GPU_REQUIRED).toBe(true);
    expect(parse({}).data?.LLM_GPU_REQUIRED).toBe(false);
    expect(parse({ LLM_GPU_REQUIRED: 'true' }).error?.issues[0].message).toBe(
      'LLM_GPU_REQUIRED=true needs LLM_GPU_LAYERS > 0 (layers to put on the GPU)',
    );
  });

  it('falls back from cuda to the CPU unless ORT_PROVIDER_REQUIRED is set', () => {
    expect(parse({ ORT_PROVIDER: 'cuda' }).data?.ORT_PROVIDER_REQUIRED).toBe(false);
    expect(parse({ ORT_PROVIDER: 'cuda', ORT_PROVIDER_REQUIRED: 'true' }).data?.ORT_PROVIDER_REQUIRED).toBe(true);
  });
});
