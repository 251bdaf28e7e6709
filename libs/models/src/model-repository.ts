import { join, resolve } from 'node:path';
import { EncoderHeadClassifier, HfSequenceClassifier } from './classifiers';
import { fetchModel, isFetched, modelCachePath } from './fetch';
import { ReplyRanker } from './reply-ranker';
import { isFetchedManifest, isTaskManifest, readManifest, type EncoderManifest, type ModelManifest, type ResponseBankManifest, type TaskManifest } from './manifest';
import { DEFAULT_RUNTIME, type RuntimeOptions } from './ort';
import { CompromiseEntityTagger, FastTextLanguageClassifier } from './packaged';
import type { TextClassifier } from './prediction';
import { SentenceEncoder } from './sentence-encoder';
import { defaultModelCacheDir, defaultModelsDir, projectRoot } from './paths';
import { ResponseIndex } from './response-index';
import { rebuildClassifier } from './weight-delta';

export interface ModelRepositoryOptions {
  modelsDir?: string;
  cacheDir?: string;
  runtime?: RuntimeOptions;
  /** Fetch missing pinned weights on load (default), or fail with the command that fetches them. */
  fetchMissing?: boolean;
  log?: (line: string) => void;
}

/**
 * models/<name>/manifest.json → a loaded model. Committed manifests, heads and cards live in
 * modelsDir; fetched weights in cacheDir. Encoders are loaded once and shared by every head.
 */
export class ModelRepository {
  readonly modelsDir: string;
  readonly cacheDir: string;
  readonly runtime: RuntimeOptions;
  private readonly encoders = new Map<string, Promise<SentenceEncoder>>();

  constructor(private readonly options: ModelRepositoryOptions = {}) {
    this.modelsDir = options.modelsDir ?? defaultModelsDir();
    this.cacheDir = options.cacheDir ?? defaultModelCacheDir();
    this.runtime = options.runtime ?? DEFAULT_RUNTIME;
  }

  manifest(name: string): ModelManifest {
    return readManifest(this.modelsDir, name);
  }

  taskManifest(name: string): TaskManifest {
    const manifest = this.manifest(name);
    if (!isTaskManifest(manifest)) throw new Error(`${name} is an encoder, not a task model`);
    return manifest;
  }

  encoderManifest(name: string): EncoderManifest {
    const manifest = this.manifest(name);
    if (manifest.format !== 'hf-onnx-encoder') throw new Error(`${name} is not an encoder`);
    return manifest;
  }

  /** Puts a model's pinned files into the cache if they are not there yet; returns its folder. */
  async ensureFetched(name: string): Promise<string> {
    const manifest = this.manifest(name);
    if (!isFetchedManifest(manifest)) throw new Error(`${name} has no files to fetch`);
    if (isFetched(manifest, this.cacheDir)) return modelCachePath(this.cacheDir, name);
    if (this.options.fetchMissing === false) throw new Error(`${name} is not in ${this.cacheDir}: run \`npm run models:fetch\``);
    return fetchModel(manifest, this.cacheDir, this.options.log);
  }

  /**
   * Puts whatever a model needs into the cache (pinned files fetched, a fine-tune rebuilt from its
   * base and delta); returns its folder there, or null for a model whose files are all in modelsDir.
   */
  async prepare(name: string): Promise<string | null> {
    const manifest = this.manifest(name);
    if (isFetchedManifest(manifest)) return this.ensureFetched(name);
    if (manifest.format === 'hf-onnx-classifier' && manifest.weights) {
      const log = this.options.log ?? (() => {});
      return rebuildClassifier({ ...manifest, weights: manifest.weights }, resolve(this.modelsDir, name, manifest.path), this.cacheDir, {
        fetchMissing: this.options.fetchMissing !== false,
        log,
      });
    }
    return null;
  }

  encoder(name: string): Promise<SentenceEncoder> {
    let loaded = this.encoders.get(name);
    if (!loaded) {
      loaded = this.ensureFetched(name).then((dir) => SentenceEncoder.load(this.encoderManifest(name), dir, this.runtime));
      loaded.catch(() => this.encoders.delete(name));
      this.encoders.set(name, loaded);
    }
    return loaded;
  }

  /** The response bank's search index, built (and kept in the cache) on first use. */
  async responseIndex(name: string, k?: number): Promise<{ index: ResponseIndex; encoder: SentenceEncoder; manifest: ResponseBankManifest }> {
    const manifest = this.manifest(name);
    if (manifest.format !== 'response-bank') throw new Error(`${name} is not a response bank`);
    const dir = await this.ensureFetched(name);
    const encoder = await this.encoder(manifest.encoder);
    const index = await ResponseIndex.open(manifest, dir, projectRoot(), encoder, this.runtime, this.options.log, k);
    return { index, encoder, manifest };
  }

  /** A reply ranker from models/<name> (its weights are tracked in the project, nothing to fetch). */
  ranker(name: string): ReplyRanker {
    const manifest = this.manifest(name);
    if (manifest.format !== 'reply-ranker') throw new Error(`${name} is not a reply ranker`);
    return ReplyRanker.load(manifest, join(this.modelsDir, name));
  }

  async load(name: string): Promise<TextClassifier> {
    const manifest = this.taskManifest(name);
    const dir = join(this.modelsDir, name);
    switch (manifest.format) {
      case 'onnx-head':
        return EncoderHeadClassifier.load(
          manifest,
          await this.encoder(manifest.encoder),
          manifest.heads.map((h) => join(dir, h.file)),
          this.runtime,
        );
      case 'hf-onnx-classifier':
        return HfSequenceClassifier.load(manifest, (await this.prepare(name)) ?? resolve(dir, manifest.path), this.runtime);
      case 'fasttext-lid':
        return FastTextLanguageClassifier.load(manifest);
      case 'compromise-entities':
        return CompromiseEntityTagger.load(manifest);
    }
  }

  async release(): Promise<void> {
    const encoders = await Promise.allSettled([...this.encoders.values()]);
    this.encoders.clear();
    await Promise.all(encoders.map((e) => (e.status === 'fulfilled' ? e.value.release() : undefined)));
  }
}
