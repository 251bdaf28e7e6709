import type { SendMessageResponse } from './chat-client';

/**
 * One reply as the terminal shows it: the text, then where it came from and why, how long it
 * took, and the main NLU readings. An in-band error (Converse) is shown as such.
 */
export function formatReply(response: SendMessageResponse): string {
  if (response.error) return `! ${response.error.code}: ${response.error.message}`;
  const reply = response.reply;
  if (!reply) return '! no reply';
  const nlu = ['intent', 'emotion', 'sentiment']
    .map((task) => response.nlu?.[task])
    .filter((view) => view !== undefined)
    .map((view) => `${view.label} ${view.score.toFixed(2)}`);
  const meta = [reply.source, reply.reason, `${reply.latencyMs} ms`, ...(nlu.length ? [nlu.join(', ')] : [])].join(' · ');
  return `bot> ${reply.text}\n     [${meta}]`;
}
