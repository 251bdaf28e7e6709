import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blindFigures, judgeFirstRun, type FirstRun } from './first-runs';
import { judgementKey, type Judgement } from './judgements';

const run: FirstRun = {
  set: 'fresh13',
  build: 'abe7dfa',
  date: '2026-12-04',
  turns: [
    { id: 'a-01', turn: 0, reply: 'Look at you! That is a real win.', rule: 'generative.tone_sure' },
    { id: 'a-01', turn: 1, reply: 'Tell me more. I am listening.', rule: 'canned.engage' },
    { id: 'a-02', turn: 0, reply: "It's 9:42 PM.", rule: 'canned.clock' },
  ],
};

const verdict = (id: string, turn: number, reply: string, v: 'accept' | 'reject'): [string, Judgement] => [
  judgementKey(id, turn, reply),
  { id, turn, user: 'u', reply, verdict: v, reason: 'r' },
];

describe('blind first runs', () => {
  it('counts the verdicts given to the kept replies, and a reply without one as not judged', () => {
    const judgements = new Map([
      verdict('a-01', 0, 'Look at you! That is a real win.', 'accept'),
      verdict('a-01', 1, 'Tell me more. I am listening.', 'reject'),
      // A verdict on another reply to the same turn (a later build's) does not count for this run.
      verdict('a-02', 0, 'Some other line.', 'accept'),
    ]);
    expect(judgeFirstRun(run, judgements)).toEqual({
      set: 'fresh13',
      build: 'abe7dfa',
      date: '2026-12-04',
      turns: 3,
      judged: 2,
      accepted: 1,
      origin: 'kept',
    });
  });

  it('lists recorded and kept runs oldest first, a recorded figure standing for its set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'first-runs-'));
    writeFileSync(
      join(dir, 'recorded.json'),
      JSON.stringify({
        $comment: 'test',
        runs: [
          { set: 'fresh12', build: 'df1ade4', date: '2026-12-04', accepted: 78, turns: 179 },
          { set: 'fresh9', build: '6c3f806', date: '2026-12-03', accepted: 69, turns: 183 },
        ],
      }),
    );
    writeFileSync(join(dir, 'fresh13.json'), JSON.stringify(run));
    const figures = blindFigures(dir, () => new Map([verdict('a-02', 0, "It's 10:15 AM.", 'accept')]));
    expect(figures.map((f) => [f.set, f.accepted, f.turns, f.origin])).toEqual([
      ['fresh9', 69, 183, 'recorded'],
      ['fresh12', 78, 179, 'recorded'],
      ['fresh13', 1, 3, 'kept'],
    ]);
  });

  it('refuses a kept run without its build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'first-runs-'));
    writeFileSync(join(dir, 'recorded.json'), JSON.stringify({ $comment: 'test', runs: [] }));
    writeFileSync(join(dir, 'fresh13.json'), JSON.stringify({ ...run, build: '' }));
    expect(() => blindFigures(dir, () => new Map())).toThrow();
  });
});
