import { llmBackend } from './llm-backend';

const cpuOnly = { gpuLayers: 0, gpuRequired: false };
const gpu = { gpuLayers: 99, gpuRequired: false };
const gpuRequired = { gpuLayers: 99, gpuRequired: true };

describe('llmBackend', () => {
  it('reports the GPU backend llama.cpp loaded when layers went onto it', () => {
    expect(llmBackend('smollm2@1', gpu, 'cuda', 30)).toEqual({ model: 'smollm2@1', configured: 'gpu', used: 'cuda', fellBack: false });
    expect(llmBackend('smollm2@1', gpuRequired, 'vulkan', 30)).toEqual({
      model: 'smollm2@1',
      configured: 'gpu',
      used: 'vulkan',
      fellBack: false,
    });
  });

  it('reports cpu for a CPU-only setting', () => {
    expect(llmBackend('smollm2@1', cpuOnly, false, 0)).toEqual({ model: 'smollm2@1', configured: 'cpu', used: 'cpu', fellBack: false });
  });

  it("makes gpu: 'auto' falling back to the CPU visible", () => {
    expect(llmBackend('smollm2@1', gpu, false, 0)).toEqual({ model: 'smollm2@1', configured: 'gpu', used: 'cpu', fellBack: true });
    expect(llmBackend('smollm2@1', gpu, 'cuda', 0)).toEqual({ model: 'smollm2@1', configured: 'gpu', used: 'cpu', fellBack: true });
  });

  it('stops the start when a GPU is required and none is in use', () => {
    expect(() => llmBackend('smollm2@1', gpuRequired, false, 0)).toThrow(
      'LLM_GPU_REQUIRED is set but smollm2@1 would run on the CPU: no GPU build of llama.cpp loaded (LLM_GPU_LAYERS=99)',
    );
    expect(() => llmBackend('smollm2@1', gpuRequired, 'cuda', 0)).toThrow("llama.cpp's cuda build loaded but took no layer");
  });
});
