import { Registry } from 'prom-client';
import type { EventProducer } from '@app/kafka';
import { gatewayConfigSchema } from '../gateway.config';
import { MessageIntakeService, OverloadedError } from './message-intake.service';

describe('MessageIntakeService', () => {
  const config = gatewayConfigSchema.parse({ GATEWAY_AUTH: 'off', MAX_PENDING_REPLIES: '4', MAX_PENDING_KEY_SHARE: '0.5' });
  const producer = { send: async () => undefined } as unknown as EventProducer;
  const input = (text: string) => ({ conversationId: 'c1', userId: 'u1', text, deadlineMs: 60_000 });

  it('refuses a key holding its share of the waiting messages, while other keys still get in', async () => {
    const intake = new MessageIntakeService(config, producer, new Registry());
    const waiting = [intake.handle(input('a1'), 'http', 'a'), intake.handle(input('a2'), 'http', 'a')];
    await expect(intake.handle(input('a3'), 'http', 'a')).rejects.toBeInstanceOf(OverloadedError);
    waiting.push(intake.handle(input('b1'), 'http', 'b'));
    expect(intake.pending.size).toBe(3);
    intake.pending.releaseAll();
    await Promise.allSettled(waiting);
    // Answered (here: released), the key's share is free again.
    const again = intake.handle(input('a4'), 'http', 'a');
    expect(intake.pending.size).toBe(1);
    intake.pending.releaseAll();
    await again;
  });

  it('has no per-key share with sign-in off (every message is the empty key): only the global bound', async () => {
    const intake = new MessageIntakeService(config, producer, new Registry());
    const waiting = [1, 2, 3, 4].map((i) => intake.handle(input(`m${i}`), 'http', ''));
    await expect(intake.handle(input('m5'), 'http', '')).rejects.toBeInstanceOf(OverloadedError);
    intake.pending.releaseAll();
    await Promise.allSettled(waiting);
  });
});
