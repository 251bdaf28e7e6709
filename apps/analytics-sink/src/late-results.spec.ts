import { withoutLateDuplicates } from './late-results';

const row = (task: string, message_id: string, status: string) => ({ task, message_id, status, label: status === 'ok' ? 'joy' : '' });

describe('withoutLateDuplicates', () => {
  it('drops a result that is not OK for a task and message with an OK one in the batch', () => {
    const rows = [row('emotion', 'm1', 'ok'), row('emotion', 'm1', 'skipped_deadline'), row('intent', 'm1', 'skipped_deadline')];
    expect(withoutLateDuplicates(rows, 'task', new Set())).toEqual([row('emotion', 'm1', 'ok'), row('intent', 'm1', 'skipped_deadline')]);
  });

  it('drops one whose OK result is already stored, whatever the order in the batch', () => {
    const rows = [row('emotion', 'm2', 'skipped_deadline'), row('emotion', 'm3', 'error')];
    expect(withoutLateDuplicates(rows, 'task', new Set(['emotion\u0000m2']))).toEqual([row('emotion', 'm3', 'error')]);
  });

  it('keeps OK redeliveries and results of other messages or tasks', () => {
    const rows = [row('emotion', 'm4', 'ok'), row('emotion', 'm4', 'ok'), row('sentiment', 'm4', 'error'), row('emotion', 'm5', 'error')];
    expect(withoutLateDuplicates(rows, 'task', new Set(['sentiment\u0000m5']))).toEqual(rows);
  });
});
