import { Header, eventHeaders, headerString, readDeadline, replyHeaders, type RawHeaders } from './headers';

describe('headers', () => {
  it('uses the documented header names', () => {
    expect(Header).toEqual({
      deadline: 'x-deadline-ms',
      traceId: 'x-trace-id',
      type: 'x-event-type',
      replyKind: 'x-reply-kind',
      answersOffset: 'x-answers-offset',
    });
  });

  it("writes a reply's kind and the chat.messages offset it answers", () => {
    expect(replyHeaders('resend', '42')).toEqual({ 'x-reply-kind': 'resend', 'x-answers-offset': '42' });
  });

  describe('eventHeaders', () => {
    it('writes type, deadline (rounded, decimal) and trace id', () => {
      expect(eventHeaders('chat.v1.ChatMessage', 1_700_000_000_123.6, 'trace-1')).toEqual({
        'x-event-type': 'chat.v1.ChatMessage',
        'x-deadline-ms': '1700000000124',
        'x-trace-id': 'trace-1',
      });
    });

    it('round-trips through readDeadline', () => {
      expect(readDeadline(eventHeaders('t', 1_700_000_000_000, 'x'))).toBe(1_700_000_000_000);
    });
  });

  describe('headerString', () => {
    it.each<[string, RawHeaders | undefined, string | undefined]>([
      ['a string', { h: 'v' }, 'v'],
      ['a Buffer', { h: Buffer.from('v') }, 'v'],
      ['an array, first value', { h: [Buffer.from('one'), 'two'] }, 'one'],
      ['an empty array', { h: [] }, undefined],
      ['an absent header', { other: 'v' }, undefined],
      ['an undefined header', { h: undefined }, undefined],
      ['no headers', undefined, undefined],
      ['an empty string', { h: '' }, ''],
    ])('reads %s', (_name, headers, expected) => {
      expect(headerString(headers, 'h')).toBe(expected);
    });
  });

  describe('readDeadline', () => {
    it.each<[string, RawHeaders | undefined, number | undefined]>([
      ['a decimal string', { 'x-deadline-ms': '1700000000000' }, 1_700_000_000_000],
      ['a Buffer (as Kafka delivers it)', { 'x-deadline-ms': Buffer.from('1700000000000') }, 1_700_000_000_000],
      ['an array of Buffers, first wins', { 'x-deadline-ms': [Buffer.from('5'), Buffer.from('6')] }, 5],
      ['an array of strings, first wins', { 'x-deadline-ms': ['7', 'x'] }, 7],
      ['zero', { 'x-deadline-ms': '0' }, 0],
      ['leading zeros', { 'x-deadline-ms': '0042' }, 42],
      ['no headers', undefined, undefined],
      ['a missing header', { 'x-trace-id': 't' }, undefined],
      ['an empty value', { 'x-deadline-ms': '' }, undefined],
      ['non-numeric text', { 'x-deadline-ms': 'soon' }, undefined],
      ['a number with a suffix', { 'x-deadline-ms': '123ms' }, undefined],
      ['a fraction', { 'x-deadline-ms': '12.5' }, undefined],
      ['a negative number', { 'x-deadline-ms': '-5' }, undefined],
      ['exponent notation', { 'x-deadline-ms': '1e12' }, undefined],
      ['surrounding spaces', { 'x-deadline-ms': ' 123 ' }, undefined],
      ['hex', { 'x-deadline-ms': '0x10' }, undefined],
      ['a non-numeric first array value', { 'x-deadline-ms': ['nope', '123'] }, undefined],
      ['an empty array', { 'x-deadline-ms': [] }, undefined],
    ])('reads %s', (_name, headers, expected) => {
      expect(readDeadline(headers)).toBe(expected);
    });

    it('does not read other header names, case included', () => {
      expect(readDeadline({ 'X-Deadline-Ms': '123' })).toBeUndefined();
      expect(readDeadline({ 'x-deadline': '123' })).toBeUndefined();
    });
  });
});
