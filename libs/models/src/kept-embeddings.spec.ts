import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embedKept } from './kept-embeddings';

/** A two-dimensional "encoder": a text's length and its first char code, and a count of the texts it embedded. */
function fakeEncoder(version = '1') {
  const embedded: string[] = [];
  const embed = async (texts: string[]) => {
    embedded.push(...texts);
    return new Float32Array(texts.flatMap((t) => [t.length, t.charCodeAt(0)]));
  };
  return { encoder: { name: 'fake', version, dimension: 2 }, embed, embedded };
}

describe('embedKept', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kept-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('embeds only the texts the last build did not have, in the order asked', async () => {
    const first = fakeEncoder();
    expect(Array.from(await embedKept(dir, 'index', ['ab', 'c'], first.encoder, first.embed, () => {}))).toEqual([2, 97, 1, 99]);
    const second = fakeEncoder();
    const lines: string[] = [];
    const vectors = await embedKept(dir, 'index', ['c', 'dddd', 'ab', 'c'], second.encoder, second.embed, (line) => lines.push(line));
    expect(second.embedded).toEqual(['dddd']);
    expect(Array.from(vectors)).toEqual([1, 99, 4, 100, 2, 97, 1, 99]);
    expect(lines).toEqual(['reusing 3 of 4 kept embeddings (index); embedding 1']);
    const third = fakeEncoder();
    await embedKept(dir, 'index', ['dddd'], third.encoder, third.embed, () => {});
    expect(third.embedded).toEqual([]);
  });

  it('trusts no store whose vectors do not match their texts, and drops the stores of another encoder', async () => {
    const first = fakeEncoder();
    await embedKept(dir, 'index', ['ab', 'c'], first.encoder, first.embed, () => {});
    const [f32] = readdirSync(dir).filter((f) => f.endsWith('.f32'));
    writeFileSync(join(dir, f32), new Uint8Array(new Float32Array([9, 9, 9, 9]).buffer));
    const second = fakeEncoder();
    expect(Array.from(await embedKept(dir, 'index', ['ab', 'c'], second.encoder, second.embed, () => {}))).toEqual([2, 97, 1, 99]);
    expect(second.embedded).toEqual(['ab', 'c']);
    const other = fakeEncoder('2');
    await embedKept(dir, 'index', ['ab'], other.encoder, other.embed, () => {});
    expect(other.embedded).toEqual(['ab']);
    expect(readdirSync(dir).filter((f) => !f.includes(f32.split('-')[1]))).toHaveLength(2);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});
