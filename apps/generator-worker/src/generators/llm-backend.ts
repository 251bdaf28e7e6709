import type { ProviderUse } from '@app/models';

/** LLM_GPU_LAYERS and LLM_GPU_REQUIRED. */
export interface LlmGpuSettings {
  gpuLayers: number;
  gpuRequired: boolean;
}

/**
 * Where the LLM runs: configured `gpu` when LLM_GPU_LAYERS > 0 (else `cpu`); used, the backend
 * llama.cpp loaded (node-llama-cpp's `llama.gpu`: `cuda`, `vulkan`, `metal`, or false) when at
 * least one layer went onto it, else `cpu`. getLlama({ gpu: 'auto' }) falls back to the CPU without
 * a word when no GPU build loads (a CUDA build whose libraries the image lacks), hence the check:
 * with LLM_GPU_REQUIRED, a CPU-only LLM throws here and stops the start.
 */
export function llmBackend(model: string, settings: LlmGpuSettings, gpu: string | false, gpuLayersLoaded: number): ProviderUse {
  const configured = settings.gpuLayers > 0 ? 'gpu' : 'cpu';
  const used = gpu !== false && gpuLayersLoaded > 0 ? gpu : 'cpu';
  if (settings.gpuRequired && used === 'cpu') {
    const why = gpu === false ? 'no GPU build of llama.cpp loaded' : `llama.cpp's ${gpu} build loaded but took no layer`;
    throw new Error(`LLM_GPU_REQUIRED is set but ${model} would run on the CPU: ${why} (LLM_GPU_LAYERS=${settings.gpuLayers})`);
  }
  return { model, configured, used, fellBack: configured === 'gpu' && used === 'cpu' };
}
