import { formatReply } from './format';

describe('formatReply', () => {
  it('shows the reply, its source, reason and time, and the main NLU readings', () => {
    expect(
      formatReply({
        messageId: 'm1',
        conversationId: 'c1',
        clientMessageId: 'x',
        reply: { text: 'Weather? So boring.', source: 'canned', reason: 'canned.weather', latencyMs: 412, fallback: false },
        nlu: {
          intent: { label: 'weather', score: 0.97, model: 'intent', latencyMs: 30 },
          sentiment: { label: 'neutral', score: 0.8, model: 'sentiment', latencyMs: 31 },
        },
      }),
    ).toBe('bot> Weather? So boring.\n     [canned · canned.weather · 412 ms · weather 0.97, neutral 0.80]');
  });

  it('shows an in-band error', () => {
    expect(
      formatReply({
        messageId: '',
        conversationId: 'c1',
        clientMessageId: '',
        nlu: {},
        error: { code: 'empty_text', message: 'text is empty' },
      }),
    ).toBe('! empty_text: text is empty');
  });
});
