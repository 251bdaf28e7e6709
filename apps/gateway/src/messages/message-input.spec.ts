import { InputError, parseMessageInput, type InputLimits } from './message-input';

const LIMITS: InputLimits = { maxTextChars: 10, maxDeadlineMs: 5000 };
const VALID = { conversationId: 'conv-1', userId: 'user.1', text: 'hello' };

function rejection(body: unknown, limits: InputLimits = LIMITS): InputError {
  try {
    parseMessageInput(body, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

function expectRefused(body: unknown, status: number, code: string, limits: InputLimits = LIMITS): void {
  const error = rejection(body, limits);
  expect({ status: error.status, code: error.code }).toEqual({ status, code });
  expect(error.name).toBe('InputError');
  expect(error.message.length).toBeGreaterThan(0);
}

describe('parseMessageInput', () => {
  it('accepts a valid message and returns only the known fields', () => {
    expect(parseMessageInput({ ...VALID }, LIMITS)).toEqual({ conversationId: 'conv-1', userId: 'user.1', text: 'hello' });
  });

  it('keeps a valid clientMessageId and deadlineMs', () => {
    expect(parseMessageInput({ ...VALID, clientMessageId: 'c-9', deadlineMs: 750 }, LIMITS)).toEqual({
      ...VALID,
      clientMessageId: 'c-9',
      deadlineMs: 750,
    });
  });

  it('ignores unknown fields', () => {
    const parsed = parseMessageInput({ ...VALID, extra: { nested: true }, locale: 'fr' }, LIMITS);
    expect(parsed).toEqual(VALID);
    expect(parsed).not.toHaveProperty('extra');
    expect(parsed).not.toHaveProperty('locale');
  });

  it('accepts every character the id pattern allows, up to 128 of them', () => {
    const id = 'Az09._:@-';
    expect(parseMessageInput({ ...VALID, conversationId: id, userId: 'u'.repeat(128) }, LIMITS)).toMatchObject({
      conversationId: id,
      userId: 'u'.repeat(128),
    });
  });

  it.each([
    ['null', null],
    ['an array', [VALID]],
    ['a string', JSON.stringify(VALID)],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s as the body with 400 invalid_body', (_name, body) => {
    expectRefused(body, 400, 'invalid_body');
  });

  describe.each([
    ['conversationId', 'invalid_conversation_id'],
    ['userId', 'invalid_user_id'],
  ])('%s', (field, code) => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['129 characters', 'x'.repeat(129)],
      ['with a space', 'a b'],
      ['with a slash', 'a/b'],
      ['non-ASCII', 'café'],
      ['a number', 123],
      ['null', null],
    ])(`is refused with 400 ${code} when %s`, (_name, value) => {
      expectRefused({ ...VALID, [field]: value }, 400, code);
    });
  });

  it('checks conversationId before userId', () => {
    expectRefused({ text: 'hi' }, 400, 'invalid_conversation_id');
  });

  it.each([
    ['missing', undefined],
    ['a number', 5],
    ['null', null],
    ['an array', ['hi']],
  ])('refuses text that is %s with 400 invalid_text', (_name, text) => {
    expectRefused({ ...VALID, text }, 400, 'invalid_text');
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['line breaks and tabs', ' \n\t\r '],
  ])('refuses text that is %s with 400 empty_text', (_name, text) => {
    expectRefused({ ...VALID, text }, 400, 'empty_text');
  });

  describe('text length', () => {
    it('accepts exactly maxTextChars characters', () => {
      expect(parseMessageInput({ ...VALID, text: 'a'.repeat(10) }, LIMITS).text).toBe('a'.repeat(10));
    });

    it('refuses one more with 413 text_too_long', () => {
      expectRefused({ ...VALID, text: 'a'.repeat(11) }, 413, 'text_too_long');
    });

    it('counts code points, not UTF-16 units: 10 emoji (20 units) fit a 10-character limit', () => {
      const text = '😀'.repeat(10);
      expect(text.length).toBe(20);
      expect(parseMessageInput({ ...VALID, text }, LIMITS).text).toBe(text);
    });

    it('refuses 11 emoji with 413 text_too_long', () => {
      expectRefused({ ...VALID, text: '😀'.repeat(11) }, 413, 'text_too_long');
    });
  });

  it.each([
    ['a lone high surrogate', 'hi \ud800 there'],
    ['a lone low surrogate', '\udc00'],
    ['a reversed surrogate pair', '\ude00\ud83d'],
  ])('refuses text with %s as invalid_text', (_name, text) => {
    expectRefused({ ...VALID, text }, 400, 'invalid_text');
  });

  it.each([
    ['BEL', 'ring \u0007'],
    ['NUL', 'a\u0000b'],
    ['vertical tab', 'a\u000bb'],
    ['form feed', 'a\u000cb'],
    ['escape', '\u001b[31mred'],
    ['DEL', 'a\u007f'],
  ])('refuses text with the control character %s as invalid_text', (_name, text) => {
    expectRefused({ ...VALID, text }, 400, 'invalid_text');
  });

  it('accepts line feeds, tabs and carriage returns inside text', () => {
    const text = 'line one\r\n\tline two\n';
    expect(parseMessageInput({ ...VALID, text }, { ...LIMITS, maxTextChars: 100 }).text).toBe(text);
  });

  describe('clientMessageId', () => {
    it('treats an empty string as absent', () => {
      expect(parseMessageInput({ ...VALID, clientMessageId: '' }, LIMITS)).not.toHaveProperty('clientMessageId');
    });

    it.each([
      ['too long', 'c'.repeat(129)],
      ['with a space', 'c 1'],
      ['a number', 7],
      ['null', null],
    ])('is refused with 400 invalid_client_message_id when %s', (_name, clientMessageId) => {
      expectRefused({ ...VALID, clientMessageId }, 400, 'invalid_client_message_id');
    });
  });

  describe('deadlineMs', () => {
    it.each([
      ['absent', undefined],
      ['0', 0],
    ])('means the default when %s', (_name, deadlineMs) => {
      expect(parseMessageInput({ ...VALID, deadlineMs }, LIMITS)).not.toHaveProperty('deadlineMs');
    });

    it('accepts the bounds 50 and maxDeadlineMs', () => {
      expect(parseMessageInput({ ...VALID, deadlineMs: 50 }, LIMITS).deadlineMs).toBe(50);
      expect(parseMessageInput({ ...VALID, deadlineMs: 5000 }, LIMITS).deadlineMs).toBe(5000);
    });

    it.each([
      ['a fraction', 100.5],
      ['below 50', 49],
      ['negative', -100],
      ['above maxDeadlineMs', 5001],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['a numeric string', '100'],
      ['null', null],
      ['a boolean', true],
    ])('is refused with 400 invalid_deadline when %s', (_name, deadlineMs) => {
      expectRefused({ ...VALID, deadlineMs }, 400, 'invalid_deadline');
    });

    it('names the configured maximum in the message', () => {
      expect(rejection({ ...VALID, deadlineMs: 9999 }).message).toContain('5000');
    });
  });
});
