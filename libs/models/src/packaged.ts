import type { PackagedManifest } from './manifest';
import type { Prediction, ScoredLabel, TextClassifier } from './prediction';
import { BARE_UNIT, framedNames, LEADING_RELATION, OATHS, petNames, relations, relativeDates, thingSpan, type Span } from './entity-rules';

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

interface CompromiseTerm {
  text: string;
  tags: string[];
}

/** A one-word "name" followed by a common noun is a modifier ("grace period", "Rich people", "Frank question"). */
function modifiesNoun(terms: CompromiseTerm[], span: string): boolean {
  const at = terms.findIndex((t) => t.text === span);
  const next = at >= 0 ? terms[at + 1]?.tags : undefined;
  return next !== undefined && next.includes('Noun') && !next.some((t) => /Pronoun|Person|ProperNoun/.test(t));
}

interface CompromiseView {
  people(): CompromiseView;
  places(): CompromiseView;
  organizations(): CompromiseView;
  emails(): CompromiseView;
  urls(): CompromiseView;
  match(pattern: string): CompromiseView;
  json(): { terms: CompromiseTerm[] }[];
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
      const labels = this.spans(text).map(({ type, text: span }): ScoredLabel => ({ name: type, score: 1, text: span }));
      return { labels: labels.length > 0 ? labels : [{ name: 'none', score: 1 }], groups: {} };
    });
  }

  /** compromise's spans, corrected and completed by the chat rules (entity-rules.ts), in ENTITY_VIEWS order. */
  private spans(text: string): Span[] {
    const doc = this.nlp(text);
    const found = (name: string) =>
      ENTITY_VIEWS.find(([n]) => n === name)![1](doc)
        .out('array')
        .map((s) => s.replace(/[\s,.!?;:]+$/, '').replace(/^the\s+/i, ''))
        .filter(Boolean);
    const pets = petNames(text);
    const names = framedNames(text);
    const dates = relativeDates(text);
    const isPet = (s: string) => pets.some((p) => p.text.toLowerCase() === s.toLowerCase());
    const terms = doc.json().flatMap((sentence) => sentence.terms);
    const tagsOf = (word: string) => terms.find((t) => t.text === word)?.tags ?? [];
    const within = (s: string, spans: string[]) => spans.some((d) => d.toLowerCase().includes(s.toLowerCase()));
    // compromise's own spans, each view read once.
    const [places, organizations, calendar] = [found('place'), found('organization'), found('date')];
    const named = [...places, ...organizations, ...calendar, ...dates.map((d) => d.text)];
    // A framed lowercase word is a name only where compromise does not read it as a verb or modifier ("died and I").
    const framed = names
      .map((n) => n.text)
      .filter((s) => !within(s, named) && (/^[A-Z]/.test(s) || !tagsOf(s).some((t) => /Verb|Adjective|Adverb/.test(t))));
    const people = [...found('person').map((s) => s.replace(LEADING_RELATION, '')), ...framed].filter(
      (s) => !OATHS.test(s) && !isPet(s) && !modifiesNoun(terms, s),
    );
    const out: Span[] = [
      ...people.map((s) => ({ type: 'person', text: s })),
      ...places
        .filter((s) => !within(s, framed))
        .map((s) => ({ type: 'place', text: s })),
      ...organizations.map((s) => ({ type: 'organization', text: s })),
      ...dates,
      ...calendar
        .filter((s) => !BARE_UNIT.test(s) && !within(s, dates.map((d) => d.text)))
        .map((s) => ({ type: 'date', text: s })),
      ...relations(text),
      ...pets,
      ...['money', 'email', 'url'].flatMap((type) => found(type).map((s) => ({ type, text: s }))),
    ];
    // Plain nouns that are not part of a name or date already found ("dog Biscuit", "Maya's"); a
    // relation's noun stays a thing ("my boss" → "boss"), what "he" or "it" may refer to later.
    const overlaps = (s: string) =>
      out.some((o) => o.type !== 'relation' && (o.text.toLowerCase().includes(s.toLowerCase()) || s.toLowerCase().includes(o.text.toLowerCase())));
    const things = found('thing').flatMap((s) => thingSpan(s) ?? []);
    return [...out, ...things.filter((s) => !overlaps(s)).map((s) => ({ type: 'thing', text: s }))].filter(
      (s, i, all) => !all.slice(0, i).some((o) => o.text === s.text),
    );
  }

  async release(): Promise<void> {}
}
