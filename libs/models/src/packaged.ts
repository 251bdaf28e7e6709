import type { PackagedManifest } from './manifest';
import type { Prediction, ScoredLabel, TextClassifier } from './prediction';

interface LidResult {
  alpha2: string | null;
  alpha3: string;
  possibility: number;
}
interface LidModel {
  load(): Promise<unknown>;
  identify(text: string, top: number): Promise<LidResult[]>;
}

/** Language identification with fastText's lid.176 (176 languages), compiled to WebAssembly by fasttext.wasm.js. */
export class FastTextLanguageClassifier implements TextClassifier {
  readonly task: string;
  readonly modelName: string;
  readonly modelVersion: string;

  private constructor(
    manifest: PackagedManifest,
    private readonly model: LidModel,
  ) {
    this.task = manifest.task;
    this.modelName = `${manifest.name}+${manifest.package}`;
    this.modelVersion = manifest.version;
  }

  static async load(manifest: PackagedManifest): Promise<FastTextLanguageClassifier> {
    // ESM package with a CommonJS build for Node; its model file ships inside the package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getLIDModel } = require(manifest.package) as { getLIDModel(): Promise<LidModel> };
    const model = await getLIDModel();
    await model.load();
    return new FastTextLanguageClassifier(manifest, model);
  }

  async predict(texts: string[]): Promise<Prediction[]> {
    const out: Prediction[] = [];
    for (const text of texts) {
      // fastText reads one line; a newline would end the input early.
      const results = await this.model.identify(text.replace(/\s+/g, ' ').trim() || ' ', 3);
      out.push({ labels: results.map((r) => ({ name: r.alpha2 ?? r.alpha3, score: r.possibility })), groups: {} });
    }
    return out;
  }

  async release(): Promise<void> {}
}

/** What compromise finds, by the entity type we report. */
const ENTITY_VIEWS: [string, (doc: CompromiseView) => CompromiseView][] = [
  ['person', (d) => d.people()],
  ['place', (d) => d.places()],
  ['organization', (d) => d.organizations()],
  ['date', (d) => d.match('#Date+')],
  ['money', (d) => d.match('#Money+')],
  ['email', (d) => d.emails()],
  ['url', (d) => d.urls()],
  // Plain nouns ("guitar", "my boss" → "boss"): what "it" and "that" refer to later in the conversation.
  ['thing', (d) => d.match('#Noun+').not('(#Pronoun|#Possessive|#Date|#Value|#Person|#Place|#Organization|#Determiner)')],
];

interface CompromiseView {
  people(): CompromiseView;
  places(): CompromiseView;
  organizations(): CompromiseView;
  emails(): CompromiseView;
  urls(): CompromiseView;
  match(pattern: string): CompromiseView;
  not(pattern: string): CompromiseView;
  out(format: 'array'): string[];
}

/**
 * Named entities from compromise's rule-based tagger (people, places, organisations, dates, money,
 * e-mails, URLs) and plain nouns as `thing`. It gives no confidences, so each found entity scores 1; a text with none gets `none`.
 */
export class CompromiseEntityTagger implements TextClassifier {
  readonly task: string;
  readonly modelName: string;
  readonly modelVersion: string;
  private nlp!: (text: string) => CompromiseView;

  constructor(private readonly manifest: PackagedManifest) {
    this.task = manifest.task;
    this.modelName = `${manifest.name}+${manifest.package}`;
    this.modelVersion = manifest.version;
  }

  static async load(manifest: PackagedManifest): Promise<CompromiseEntityTagger> {
    const tagger = new CompromiseEntityTagger(manifest);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tagger.nlp = require(manifest.package) as (text: string) => CompromiseView;
    return tagger;
  }

  async predict(texts: string[]): Promise<Prediction[]> {
    return texts.map((text) => {
      const doc = this.nlp(text);
      const labels: ScoredLabel[] = [];
      for (const [name, view] of ENTITY_VIEWS) {
        for (const found of view(doc).out('array')) {
          const span = found.replace(/[\s,.!?;:]+$/, '');
          if (span && !labels.some((l) => l.text === span)) labels.push({ name, score: 1, text: span });
        }
      }
      return { labels: labels.length > 0 ? labels : [{ name: 'none', score: 1 }], groups: {} };
    });
  }

  async release(): Promise<void> {}
}
