import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConversations } from '../../scripts/eval/conversation-set';
import { readJudgements } from '../../scripts/eval/judgements';
import { playConversations } from '../../scripts/eval/play';
import { buildReport } from '../../scripts/eval/report';
import { stackInfo } from '../support/stack-info';

const root = join(__dirname, '..', '..');

/**
 * `npm run eval:replies` on the test stack: every committed conversation through the public API
 * at the default deadline, the automatic checks and the reader's judgements, and the same gates.
 */
describe('reply quality on the committed conversations', () => {
  it('leaks nothing, accuses no benign user, refuses no small talk, and meets the judged acceptance', async () => {
    const conversations = readConversations(join(root, 'data/eval/conversations.jsonl'));
    const judgements = readJudgements(join(root, 'data/eval/judgements.jsonl'));
    const persona = readFileSync(join(root, 'apps/generator-worker/data/persona.txt'), 'utf8');
    const played = await playConversations(stackInfo().gatewayUrl, conversations, { concurrency: 4, runId: `t${process.pid}` });
    const report = buildReport(conversations, played, judgements, persona, { minAcceptance: 0.85, minCoverage: 0.8 });
    const failed = report.gates.filter((g) => !g.ok);
    expect({ failed, failures: failed.length > 0 ? report.failures.slice(0, 20) : [] }).toEqual({ failed: [], failures: [] });
  }, 900_000);
});
