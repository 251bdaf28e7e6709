import { create } from '@bufbuild/protobuf';
import {
  CandidateViewSchema,
  LabelSchema,
  MentionSchema,
  ResultStatus,
  type Candidate,
  type CandidateView,
  type ConversationState,
  type EventMeta,
  type Label,
  type NluSummary,
} from '@app/contracts';
import { DEFAULT_LIMITS, nextState, resolvePronouns, signalsFrom, userNameIn, type Signals, type StateLimits } from '@app/dialogue-state';
import type { ReplyTemplates } from './reply-templates';
import type { PolicyDecision, ResponsePolicy } from './response-policy';
import type { SafetyScreen } from './safety-screen';
import { slotValues } from './slots';

export interface ComposeInput {
  meta: EventMeta;
  text: string;
  /** The conversation's state before this message. */
  state?: ConversationState;
  /** NLU results that arrived in time with status OK. */
  nlu: NluSummary[];
  /** Every candidate that arrived in time, whatever its status. */
  candidates: Candidate[];
}

export interface Composed {
  decision: PolicyDecision;
  signals: Signals;
  /** The text with pronouns resolved ("" when none were). */
  resolvedText: string;
  resolvedEntities: Label[];
  /** The conversation's state after this exchange. */
  state: ConversationState;
  candidateViews: CandidateView[];
}

/**
 * One turn of the classic pipeline, pure: NLU results → signals → coreference against the
 * conversation's entities → the policy (canned lines with slots from the state, or a screened
 * candidate) → the next dialogue state. The selector service does the Kafka and timing around it.
 */
export class ReplyComposer {
  constructor(
    private readonly policy: ResponsePolicy,
    private readonly templates: ReplyTemplates,
    private readonly screen: SafetyScreen,
    private readonly options: { timeZone: string; limits?: StateLimits },
  ) {}

  compose(input: ComposeInput, now = new Date()): Composed {
    const { state, text } = input;
    const signals = signalsFrom(input.nlu);
    const own = signals.entities.map((e) => create(MentionSchema, { text: e.text, kind: e.kind }));
    const coreference = resolvePronouns(text, state?.mentions ?? [], own);
    const userName = userNameIn(text, signals) ?? state?.userName ?? '';
    const slots = slotValues(state, signals, userName, now, this.options.timeZone);
    const recent = new Set((state?.turns ?? []).map((turn) => turn.templateKey).filter(Boolean));
    const candidates: Record<string, { text: string; score: number }> = {};
    for (const c of input.candidates)
      if (c.status === ResultStatus.OK && c.text) candidates[c.generator] = { text: c.text, score: c.score };
    const decision = this.policy.decide({
      signals,
      turnCount: state?.turnCount ?? 0,
      candidates,
      realize: (key) => this.templates.realize(key, slots, recent, input.meta.messageId),
      screen: (reply) => this.screen.reject(reply, text),
    });
    const resolvedText = coreference.resolved.length > 0 ? coreference.text : '';
    const next = nextState(
      state,
      input.meta,
      {
        messageId: input.meta.messageId,
        userText: text,
        replyText: decision.text,
        replySource: decision.source,
        atMs: now.getTime(),
        intent: signals.intent?.label ?? '',
        emotion: signals.emotion?.label ?? '',
        resolvedText,
        templateKey: decision.lineId ?? '',
        replyReason: decision.rule,
      },
      signals,
      this.options.limits ?? DEFAULT_LIMITS,
      now.getTime(),
    );
    return {
      decision,
      signals,
      resolvedText,
      resolvedEntities: coreference.resolved.map((r) => create(LabelSchema, { name: r.pronoun, text: r.entity, score: 1 })),
      state: next,
      candidateViews: input.candidates.map((c) =>
        create(CandidateViewSchema, {
          generator: c.generator,
          text: c.text,
          score: c.score,
          latencyMs: c.latencyMs,
          status: (ResultStatus[c.status] ?? 'UNSPECIFIED').toLowerCase(),
          chosen: decision.generator === c.generator,
          rejected: decision.rejected[c.generator] ?? '',
        }),
      ),
    };
  }
}
