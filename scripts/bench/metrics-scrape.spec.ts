import { arrivalFigures, histogramBuckets, meanModelBatches, modelCpuSeconds } from './metrics-scrape';

describe('modelCpuSeconds', () => {
  it('adds up every model-CPU counter series and nothing else', () => {
    const text = [
      '# HELP nlu_model_cpu_seconds_total CPU time of this process during model calls',
      '# TYPE nlu_model_cpu_seconds_total counter',
      'nlu_model_cpu_seconds_total{task="intent+emotion",app="nlu-worker"} 1.5',
      'nlu_model_cpu_seconds_total{task="language",app="nlu-worker"} 0.25',
      'generator_model_cpu_seconds_total{generator="llm"} 2',
      'nlu_inference_seconds_sum{task="intent"} 100',
      'process_cpu_seconds_total 50',
    ].join('\n');
    expect(modelCpuSeconds(text)).toBeCloseTo(3.75);
  });

  it('is 0 where no model ran', () => {
    expect(modelCpuSeconds('process_cpu_seconds_total 3\n')).toBe(0);
  });
});

describe('arrivalFigures', () => {
  const text = (counts: number[]) =>
    [0.1, 0.5, 1, '+Inf']
      .map((le, i) => `selector_contribution_arrival_seconds_bucket{le="${le}",contributor="nlu:intent",app="selector"} ${counts[i]}`)
      .join('\n');

  it('reads the buckets of each contributor and takes quantiles of what came between two scrapes', () => {
    const before = histogramBuckets(text([10, 10, 10, 10]), 'selector_contribution_arrival_seconds', 'contributor').get('nlu:intent');
    const after = histogramBuckets(text([60, 108, 110, 110]), 'selector_contribution_arrival_seconds', 'contributor').get('nlu:intent')!;
    // 100 new answers: 50 under 100 ms, 48 in 100-500 ms, 2 in 500 ms-1 s.
    const figures = arrivalFigures(before, after, 500);
    expect(figures.count).toBe(100);
    expect(figures.p50Ms).toBe(100);
    expect(figures.p99Ms).toBe(750);
    expect(figures.within).toBeCloseTo(0.98);
  });
});

describe('meanModelBatches', () => {
  it('divides the batch-size sums by the call counts that came between two scrapes, per worker', () => {
    const scrape = (nluSum: number, nluCount: number, genSum: number, genCount: number) =>
      [
        `nlu_batch_size_sum{app="nlu-worker",task="intent+emotion"} ${nluSum}`,
        `nlu_batch_size_count{app="nlu-worker",task="intent+emotion"} ${nluCount}`,
        `generator_batch_size_sum{generator="llm",app="generator-worker"} ${genSum}`,
        `generator_batch_size_count{generator="llm",app="generator-worker"} ${genCount}`,
        'nlu_batch_size_bucket{le="8",task="intent+emotion"} 3',
      ].join('\n');
    // 50 messages in 8 calls, and 12 in 4, during the rate; an idle worker gives 0, not NaN.
    expect(meanModelBatches(scrape(100, 20, 4, 2), scrape(150, 28, 16, 6))).toEqual({ 'intent+emotion': 6.3, llm: 3 });
    expect(meanModelBatches(scrape(1, 1, 1, 1), scrape(1, 1, 1, 1))).toEqual({ 'intent+emotion': 0, llm: 0 });
  });
});
