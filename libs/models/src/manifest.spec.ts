import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError, readManifest } from './manifest';
import { defaultModelsDir } from './paths';

describe('readManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
  const write = (name: string, body: unknown) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'manifest.json'), typeof body === 'string' ? body : JSON.stringify(body));
  };

  it('reads every committed manifest', () => {
    for (const name of ['minilm-l6-v2-int8', 'intent', 'emotion', 'sentiment', 'toxicity', 'dialog_act', 'language', 'entities']) {
      expect(readManifest(defaultModelsDir(), name).name).toBe(name);
    }
  });

  it('lists every problem of a bad manifest', () => {
    write('broken', { format: 'onnx-head', name: 'broken', task: 'x', version: '1', encoder: 'e', heads: [{ name: 'h', file: 'h.onnx', sha256: 'nope', labels: ['only'] }] });
    expect(() => readManifest(dir, 'broken')).toThrow(ManifestError);
    try {
      readManifest(dir, 'broken');
    } catch (error) {
      const message = (error as Error).message;
      for (const path of ['heads.0.sha256', 'heads.0.labels', 'heads.0.multiLabel', 'batching']) expect(message).toContain(path);
    }
  });

  it('refuses a manifest that is not JSON, or names another model', () => {
    write('garbled', '{');
    expect(() => readManifest(dir, 'garbled')).toThrow(/cannot read/);
    write('renamed', { format: 'fasttext-lid', name: 'other', task: 'language', version: '1', package: 'p', batching: { maxBatchSize: 1, maxQueueDelayMs: 0 } });
    expect(() => readManifest(dir, 'renamed')).toThrow(/names itself "other"/);
  });
});
