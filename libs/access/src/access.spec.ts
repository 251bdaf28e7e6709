import { UnauthorizedError, authenticate, authenticateBasic, parseApiKeys } from './credentials';

describe('API keys', () => {
  const keys = parseApiKeys(['mobile:0123456789abcdef', 'web:fedcba9876543210xyz']);

  it('finds the key of a secret, as a bearer token or a bare key', () => {
    expect(authenticate(keys, 'Bearer 0123456789abcdef').name).toBe('mobile');
    expect(authenticate(keys, 'fedcba9876543210xyz').name).toBe('web');
  });

  it('takes a browser sign-in (Basic) only with the right name and secret', () => {
    const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;
    expect(authenticateBasic(keys, basic('mobile:0123456789abcdef')).name).toBe('mobile');
    expect(() => authenticateBasic(keys, basic('web:0123456789abcdef'))).toThrow(UnauthorizedError);
    expect(() => authenticateBasic(keys, 'Bearer 0123456789abcdef')).toThrow(UnauthorizedError);
  });

  it('refuses a missing or unknown key', () => {
    expect(() => authenticate(keys, undefined)).toThrow(UnauthorizedError);
    expect(() => authenticate(keys, 'Bearer nope')).toThrow(/unknown API key/);
  });

  it.each([['noseparator'], [':0123456789abcdef'], ['short:abc'], ['bad name:0123456789abcdef']])('refuses the setting %j', (entry) => {
    expect(() => parseApiKeys([entry])).toThrow(/GATEWAY_API_KEYS/);
  });

  it('never quotes a refused entry: without its colon, all of it may be the secret', () => {
    const secret = 'sk-live-0123456789abcdef0123';
    for (const entry of [secret, `bad name${secret}`, `bad name:${secret}`])
      expect(() => parseApiKeys([entry])).toThrow(expect.objectContaining({ message: expect.not.stringContaining('0123456789') }));
    expect(() => parseApiKeys(['ok:0123456789abcdef', secret])).toThrow(/entry 2/);
  });

  it('refuses a name used twice, and keeps no secret', () => {
    expect(() => parseApiKeys(['a:0123456789abcdef', 'a:0123456789abcdeg'])).toThrow(/twice/);
    expect(() => parseApiKeys(['a'], 'ANALYTICS_USERS')).toThrow(/^ANALYTICS_USERS/);
    expect(JSON.stringify(keys)).not.toContain('0123456789abcdef');
  });
});
