import { CircuitBreakers } from './circuit-breakers';

describe('CircuitBreakers', () => {
  let now = 0;
  const breakers = () =>
    new CircuitBreakers({ budget: 0.8, windowMs: 10_000, maxSamples: 1000, minSamples: 5, cooldownMs: 30_000, now: () => now });

  beforeEach(() => (now = 0));

  it('keeps waiting for a contributor that answers within its share of the time budget', () => {
    const b = breakers();
    for (let i = 0; i < 20; i++) b.record('gen:llm', `m${i}`, 0.3 + i / 100);
    expect(b.state('gen:llm')).toBe('closed');
    expect(b.shouldWait('gen:llm', 'next')).toBe(true);
    expect(b.p95('gen:llm')).toBeCloseTo(0.48); // the 19th of 20 answers, 0.30 … 0.49
  });

  it('opens when the p95 exceeds the budget (misses count), then probes after the cooldown', () => {
    const b = breakers();
    for (let i = 0; i < 4; i++) b.record('gen:llm', `m${i}`, Infinity);
    expect(b.state('gen:llm')).toBe('closed'); // not enough samples yet
    b.record('gen:llm', 'm4', Infinity);
    expect(b.state('gen:llm')).toBe('open');
    expect(b.shouldWait('gen:llm', 'm5')).toBe(false);
    now = 30_000;
    expect(b.shouldWait('gen:llm', 'probe')).toBe(true);
    expect(b.state('gen:llm')).toBe('half_open');
    // Only the probe waits; others do not while it is out.
    expect(b.shouldWait('gen:llm', 'other')).toBe(false);
    b.record('gen:llm', 'probe', 1.5);
    expect(b.state('gen:llm')).toBe('open');
    now = 60_000;
    expect(b.shouldWait('gen:llm', 'probe2')).toBe(true);
    b.record('gen:llm', 'probe2', 0.2);
    expect(b.state('gen:llm')).toBe('closed');
    expect(b.shouldWait('gen:llm', 'any')).toBe(true);
  });

  it('tolerates a rare slow answer: one in twenty does not open it, two do', () => {
    const b = new CircuitBreakers({ budget: 0.8, windowMs: 10_000, maxSamples: 1000, minSamples: 5, cooldownMs: 1_000, now: () => now });
    for (let i = 0; i < 20; i++) b.record('nlu:intent', `m${i}`, i === 2 ? Infinity : 0.05);
    expect(b.state('nlu:intent')).toBe('closed');
    b.record('nlu:intent', 'm20', 0.9);
    expect(b.state('nlu:intent')).toBe('open');
  });

  it('judges the last windowMs, whatever the message rate: a burst of late answers among many does not open it', () => {
    const b = breakers();
    // 100 messages/s for 15 s, with 40 answers late in a row: 4% of the 1,000 in the window.
    for (let i = 0; i < 1500; i++) {
      now = i * 10;
      b.record('nlu:intent', `m${i}`, i >= 1200 && i < 1240 ? Infinity : 0.2);
    }
    expect(b.state('nlu:intent')).toBe('closed');
    // Ten seconds on, the old answers are gone but for the last five: two late answers among
    // them are more than 5%.
    now = 40_000;
    b.record('nlu:intent', 'late0', Infinity);
    expect(b.state('nlu:intent')).toBe('closed'); // one slow answer never opens it
    b.record('nlu:intent', 'late1', Infinity);
    expect(b.state('nlu:intent')).toBe('open');
  });

  it('opens for a dead contributor at low traffic: the last minSamples answers count whatever their age', () => {
    const b = breakers();
    for (let i = 0; i < 5; i++) {
      now = i * 60_000; // a message a minute
      b.record('gen:llm', `m${i}`, Infinity);
    }
    expect(b.state('gen:llm')).toBe('open');
  });

  it('keeps at most maxSamples answers', () => {
    const b = new CircuitBreakers({ budget: 0.8, windowMs: 60_000, maxSamples: 50, minSamples: 5, cooldownMs: 1_000, now: () => now });
    for (let i = 0; i < 500; i++) b.record('nlu:intent', `m${i}`, i < 450 ? 0.5 : 0.1);
    // Only the newest 50 count.
    expect(b.p95('nlu:intent')).toBe(0.1);
  });

  it('keeps each contributor apart', () => {
    const b = breakers();
    for (let i = 0; i < 5; i++) b.record('gen:llm', `m${i}`, 5);
    expect(b.state('gen:llm')).toBe('open');
    expect(b.state('gen:retrieval')).toBe('closed');
  });
});
