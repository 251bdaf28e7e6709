/**
 * `npm run chat [-- --address 127.0.0.1:50051 --user me --deadline 1000]`: talk to the bot from a
 * terminal, over the gateway's gRPC `Converse` stream. Each reply shows its source and the policy
 * rule that chose it. `/new` starts a new conversation, `/quit` (or Ctrl-D) leaves. With piped
 * input it sends every line and exits once each has its reply.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { chatClient, type SendMessageResponse } from './chat/chat-client';
import { formatReply } from './chat/format';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      address: { type: 'string', default: process.env.GATEWAY_GRPC ?? '127.0.0.1:50051' },
      user: { type: 'string', default: process.env.USER ?? 'terminal' },
      deadline: { type: 'string', default: '1000' },
    },
  });
  const deadlineMs = Number(values.deadline);
  if (!Number.isInteger(deadlineMs) || deadlineMs < 1) throw new Error('--deadline must be a whole number of milliseconds');
  let conversationId = `term-${randomUUID()}`;
  const stream = chatClient(values.address!).Converse();
  const interactive = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ', terminal: interactive });
  let waiting = 0;
  let inputDone = false;
  const finish = () => {
    if (inputDone && waiting === 0) stream.end();
  };
  stream.on('data', (response: SendMessageResponse) => {
    waiting--;
    console.log(formatReply(response));
    if (interactive) lines.prompt();
    finish();
  });
  stream.on('error', (error: Error) => {
    console.error(`! the gateway at ${values.address} is not answering: ${error.message}`);
    process.exit(1);
  });
  stream.on('end', () => process.exit(0));
  if (interactive) console.log(`Talking to ${values.address} as ${values.user}. /new starts over, /quit leaves.`);
  lines.on('line', (line) => {
    const text = line.trim();
    if (text === '/quit') return lines.close();
    if (text === '/new') {
      conversationId = `term-${randomUUID()}`;
      console.log('(a new conversation)');
      return interactive ? lines.prompt() : undefined;
    }
    if (!text) return interactive ? lines.prompt() : undefined;
    waiting++;
    stream.write({ conversationId, userId: values.user!, text, clientMessageId: randomUUID(), deadlineMs });
  });
  lines.on('close', () => {
    inputDone = true;
    finish();
  });
  if (interactive) lines.prompt();
}

main().catch((error) => {
  console.error(`! ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
