import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stackInfo } from '../support/stack-info';

/** `npm run chat` against the test stack's gateway, with piped input. */
describe('the terminal chat client', () => {
  const stack = stackInfo();

  it('sends each line over gRPC Converse and prints each reply with its source and reason', async () => {
    const child = spawn(
      process.execPath,
      [join(__dirname, '..', '..', 'dist', 'scripts', 'chat.js'), '--address', stack.grpcAddress, '--deadline', '3000'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdin.end('I love you\nwhat will the weather be tomorrow?\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const replies = out.split('\n').filter((line) => line.startsWith('bot> '));
    expect(replies).toHaveLength(2);
    expect(out).toMatch(/\[canned · canned\.social · \d+ ms · love_declaration/);
    expect(out).toMatch(/\[canned · canned\.weather · \d+ ms · weather/);
  });

  it('says so and fails when no gateway answers', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'scripts', 'chat.js'), '--address', '127.0.0.1:1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdin.end('hello\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/not answering/);
  });
});
