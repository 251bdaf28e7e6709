import { join } from 'node:path';
import { llmPersonaPrompt } from '../../apps/selector/src/policy/safety-screen';
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
  it('leaks nothing, claims no humanity, and holds the judged acceptance, false accusations and task refusals', async () => {
    const conversations = readConversations(join(root, 'data/eval/conversations.jsonl'));
    const judgements = readJudgements(join(root, 'data/eval/judgements.jsonl'));
    const persona = llmPersonaPrompt(root) ?? '';
    // A generous deadline, so every NLU task is in on a busy CI machine and the replies are the judged ones.
    const played = await playConversations(stackInfo().gatewayUrl, conversations, {
      concurrency: 4,
      runId: `t${process.pid}`,
      deadlineMs: 2500,
    });
    // A ratchet at what the reply-quality issue's first round measured (docs/quality.md), not its targets
    // (0.85, 0, 0): a change that makes the bot worse fails here; raise these as the replies get better.
    const report = buildReport(conversations, played, judgements, persona, {
      minAcceptance: 0.6,
      minCoverage: 0.9,
      maxFalseAccusations: 0,
      maxTaskRefusals: 0,
    });
    const failed = report.gates.filter((g) => !g.ok);
    expect({ failed, failures: failed.length > 0 ? report.failures.slice(0, 20) : [] }).toEqual({ failed: [], failures: [] });
  }, 900_000);
});
