import { create } from '@bufbuild/protobuf';
import {
  CandidateSchema,
  ChatMessageSchema,
  DeadLetterSchema,
  EventMetaSchema,
  NluResultSchema,
  OutcomeSchema,
  ReplySchema,
  ResultStatus,
  Topic,
  type LogicalTopic,
} from '@app/contracts';
import type { AnyConsumedEvent } from '@app/kafka';
import { SUNK_TOPICS, TABLE_OF, toRow } from './event-rows';

const ACCEPTED = 1_700_000_000_000;

const meta = create(EventMetaSchema, {
  schemaVersion: 1,
  messageId: 'msg-1',
  conversationId: 'conv-1',
  userId: 'user-1',
  acceptedAtMs: ACCEPTED,
  emittedAtMs: ACCEPTED + 40,
  deadlineAtMs: ACCEPTED + 1000,
  traceId: 'trace-meta',
});

const IDS = { message_id: 'msg-1', conversation_id: 'conv-1', user_id: 'user-1', accepted_at: ACCEPTED };

function consumed(topic: LogicalTopic, event: unknown): AnyConsumedEvent {
  return {
    topic,
    partition: 3,
    offset: '42',
    key: 'conv-1',
    traceId: 'trace-header',
    deadlineAtMs: ACCEPTED + 2000,
    event,
  } as AnyConsumedEvent;
}

describe('toRow', () => {
  it('sinks messages, NLU results, candidates and outcomes into their own tables', () => {
    expect(TABLE_OF).toEqual({
      [Topic.messages]: 'messages',
      [Topic.nluResults]: 'nlu_results',
      [Topic.candidates]: 'candidates',
      [Topic.outcomes]: 'outcomes',
    });
    expect([...SUNK_TOPICS].sort()).toEqual([Topic.candidates, Topic.messages, Topic.outcomes, Topic.nluResults].sort());
  });

  it('maps a chat message', () => {
    const event = create(ChatMessageSchema, { meta, text: 'hello there', clientMessageId: 'c-1', replyTo: 'gw-1', channel: 'http' });
    expect(toRow(consumed(Topic.messages, event))).toEqual({
      table: 'messages',
      row: {
        ...IDS,
        text: 'hello there',
        channel: 'http',
        client_message_id: 'c-1',
        trace_id: 'trace-meta',
        deadline_at: ACCEPTED + 1000,
      },
    });
  });

  it("falls back to the record's trace id and deadline when the message has no meta", () => {
    const event = create(ChatMessageSchema, { text: 'hi', channel: 'grpc' });
    expect(toRow(consumed(Topic.messages, event))?.row).toEqual({
      message_id: '',
      conversation_id: '',
      user_id: '',
      accepted_at: 0,
      text: 'hi',
      channel: 'grpc',
      client_message_id: '',
      trace_id: 'trace-header',
      deadline_at: ACCEPTED + 2000,
    });
  });

  // BUG (minor): event-rows.ts lines 33-34 fall back with `??`, but protobuf-es never leaves a
  // scalar field undefined: an unset meta.trace_id is '' and an unset meta.deadline_at_ms is 0, so
  // the record's x-trace-id / x-deadline-ms values are used only when meta is missing altogether
  // (which decodeEvent already rejects). A producer that sets only the headers gets trace_id ''
  // and deadline_at 0 (1970) in ClickHouse. Fix: `e.meta?.traceId || consumed.traceId` and
  // `e.meta?.deadlineAtMs || consumed.deadlineAtMs`.
  it("falls back to the record's trace id and deadline when meta leaves them unset", () => {
    const event = create(ChatMessageSchema, {
      meta: create(EventMetaSchema, { schemaVersion: 1, messageId: 'msg-1', conversationId: 'conv-1', userId: 'user-1' }),
      text: 'hi',
    });
    const row = toRow(consumed(Topic.messages, event))!.row;
    expect(row.trace_id).toBe('trace-header');
    expect(row.deadline_at).toBe(ACCEPTED + 2000);
  });

  it('maps an NLU result with its best label first and every label kept', () => {
    const event = create(NluResultSchema, {
      meta,
      task: 'sentiment',
      labels: [
        { name: 'positive', score: 0.8 },
        { name: 'neutral', score: 0.15 },
        { name: 'negative', score: 0.05 },
      ],
      modelName: 'afinn-165',
      modelVersion: '5.0.2',
      latencyMs: 7,
      status: ResultStatus.OK,
    });
    expect(toRow(consumed(Topic.nluResults, event))).toEqual({
      table: 'nlu_results',
      row: {
        ...IDS,
        task: 'sentiment',
        label: 'positive',
        score: 0.8,
        labels: [
          { name: 'positive', score: 0.8 },
          { name: 'neutral', score: 0.15 },
          { name: 'negative', score: 0.05 },
        ],
        groups: [],
        spans: [],
        model_name: 'afinn-165',
        model_version: '5.0.2',
        status: 'ok',
        error: '',
        latency_ms: 7,
        emitted_at: ACCEPTED + 40,
      },
    });
  });

  it("keeps emotion's groups and the entities' spans", () => {
    const event = create(NluResultSchema, {
      meta,
      task: 'emotion',
      labels: [
        { name: 'person', score: 1, text: 'Taylor Swift' },
        { name: 'joy', score: 0.7 },
      ],
      groups: [
        {
          name: 'ekman',
          labels: [
            { name: 'joy', score: 0.9 },
            { name: 'surprise', score: 0.4 },
          ],
        },
      ],
      status: ResultStatus.OK,
    });
    const row = toRow(consumed(Topic.nluResults, event))!.row;
    expect(row.groups).toEqual([
      { group_name: 'ekman', name: 'joy', score: 0.9 },
      { group_name: 'ekman', name: 'surprise', score: 0.4 },
    ]);
    expect(row.spans).toEqual([{ name: 'person', text: 'Taylor Swift' }]);
  });

  it('maps plain label objects, not protobuf messages, into the labels column', () => {
    const event = create(NluResultSchema, { meta, task: 't', labels: [{ name: 'a', score: 1 }], status: ResultStatus.OK });
    const labels = toRow(consumed(Topic.nluResults, event))!.row.labels as object[];
    expect(Object.keys(labels[0]).sort()).toEqual(['name', 'score']);
  });

  it('maps a failed NLU result without labels', () => {
    const event = create(NluResultSchema, { meta, task: 'sentiment', status: ResultStatus.ERROR, error: 'model crashed' });
    expect(toRow(consumed(Topic.nluResults, event))?.row).toMatchObject({
      label: '',
      score: 0,
      labels: [],
      status: 'error',
      error: 'model crashed',
    });
  });

  it.each([
    [ResultStatus.UNSPECIFIED, 'unspecified'],
    [ResultStatus.OK, 'ok'],
    [ResultStatus.SKIPPED_DEADLINE, 'skipped_deadline'],
    [ResultStatus.ERROR, 'error'],
    [99 as ResultStatus, 'unspecified'],
  ])('writes status %p as %p', (status, name) => {
    const event = create(CandidateSchema, { meta, generator: 'g', status });
    expect(toRow(consumed(Topic.candidates, event))?.row.status).toBe(name);
  });

  it('maps a candidate', () => {
    const event = create(CandidateSchema, {
      meta,
      generator: 'retrieval',
      text: 'Nice to meet you!',
      score: 0.72,
      latencyMs: 12,
      modelVersion: 'bank-v3',
      status: ResultStatus.SKIPPED_DEADLINE,
      error: '',
    });
    expect(toRow(consumed(Topic.candidates, event))).toEqual({
      table: 'candidates',
      row: {
        ...IDS,
        generator: 'retrieval',
        text: 'Nice to meet you!',
        score: 0.72,
        model_version: 'bank-v3',
        status: 'skipped_deadline',
        error: '',
        latency_ms: 12,
        emitted_at: ACCEPTED + 40,
      },
    });
  });

  it('maps an outcome, with the NLU summaries as a task → label map', () => {
    const event = create(OutcomeSchema, {
      meta,
      replyText: 'Ugh, that sounds rough.',
      source: 'canned',
      fallback: false,
      policyRule: 'mood.sentiment',
      expected: ['nlu:sentiment', 'gen:retrieval'],
      arrived: ['nlu:sentiment'],
      missed: ['gen:retrieval'],
      deadlineReached: true,
      latencyMs: 940,
      nlu: [
        { task: 'sentiment', label: 'negative', score: 0.9, model: 'afinn-165', latencyMs: 3 },
        { task: 'intent', label: 'complaint', score: 0.7, model: 'x', latencyMs: 9 },
      ],
      candidates: [
        {
          generator: 'llm',
          text: 'Oh no.',
          score: 0.6,
          latencyMs: 700,
          status: 'ok',
          chosen: false,
          rejected: 'echo',
          modelVersion: 'smollm2@135m',
        },
        { generator: 'retrieval', status: 'missing' },
      ],
      resolvedText: 'Anna is mean',
      resolvedEntities: [{ name: 'she', text: 'Anna', score: 1 }],
      skipped: ['gen:llm'],
    });
    expect(toRow(consumed(Topic.outcomes, event))).toEqual({
      table: 'outcomes',
      row: {
        ...IDS,
        reply_text: 'Ugh, that sounds rough.',
        source: 'canned',
        fallback: false,
        policy_rule: 'mood.sentiment',
        expected: ['nlu:sentiment', 'gen:retrieval'],
        arrived: ['nlu:sentiment'],
        missed: ['gen:retrieval'],
        deadline_reached: true,
        latency_ms: 940,
        nlu: { sentiment: 'negative', intent: 'complaint' },
        candidates: [
          { generator: 'llm', text: 'Oh no.', score: 0.6, latency_ms: 700, status: 'ok', chosen: false, rejected: 'echo' },
          { generator: 'retrieval', text: '', score: 0, latency_ms: 0, status: 'missing', chosen: false, rejected: '' },
        ],
        candidate_models: ['smollm2@135m', ''],
        resolved_text: 'Anna is mean',
        resolved_entities: [{ pronoun: 'she', entity: 'Anna' }],
        skipped: ['gen:llm'],
        emitted_at: ACCEPTED + 40,
      },
    });
  });

  it('maps an outcome without NLU to an empty map', () => {
    const event = create(OutcomeSchema, { meta, source: 'fallback', fallback: true, policyRule: 'fallback.no_signal' });
    expect(toRow(consumed(Topic.outcomes, event))?.row).toMatchObject({ nlu: {}, expected: [], fallback: true });
  });

  it('returns undefined for topics the sink does not keep', () => {
    expect(toRow(consumed(Topic.replies, create(ReplySchema, { meta, text: 'x' })))).toBeUndefined();
    expect(toRow(consumed(Topic.dlq, create(DeadLetterSchema, { sourceTopic: 'chat.messages' })))).toBeUndefined();
  });
});
