import { create } from '@bufbuild/protobuf';
import { NluSummarySchema, type NluResult, type NluSummary } from '@app/contracts';
import type { ReplyTemplates } from './reply-templates';
import type { ResponsePolicy } from './response-policy';

/** Fails start-up when the policy names a template key (one without {placeholders}) that replies.json lacks. */
export function checkTemplates(policy: ResponsePolicy, templates: ReplyTemplates): void {
  const missing = policy.file.rules
    .flatMap((rule) => ('canned' in rule.then ? rule.then.canned : 'fallback' in rule.then ? rule.then.fallback : []))
    .filter((key) => !key.includes('{') && !templates.has(key));
  if (missing.length > 0) throw new Error(`policy names templates that replies.json lacks: ${missing.join(', ')}`);
}

/** What a reply and an outcome carry of one NLU result: the best label, the labels, the groups. */
export function summarize(result: NluResult): NluSummary {
  const best = result.labels[0];
  return create(NluSummarySchema, {
    task: result.task,
    label: best.name,
    score: best.score,
    model: result.modelName,
    latencyMs: result.latencyMs,
    labels: result.labels,
    groups: result.groups,
  });
}
