import { createHash, timingSafeEqual } from 'node:crypto';

/** A client's credential (an API key, or a dashboard user), known by its name, never by its secret. */
export interface ApiKey {
  name: string;
  digest: Buffer;
}

/** The request carried no key, or one the gateway does not know. */
export class UnauthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * `name:secret` pairs from a setting (GATEWAY_API_KEYS, ANALYTICS_USERS). Secrets are kept only as
 * SHA-256 digests and compared in constant time; a secret shorter than 16 characters is refused
 * at start-up.
 */
export function parseApiKeys(entries: string[], setting = 'GATEWAY_API_KEYS'): ApiKey[] {
  const keys = entries.map((entry, i) => {
    const at = entry.indexOf(':');
    const name = entry.slice(0, at);
    const secret = entry.slice(at + 1);
    // Never quote the entry: without its colon, all of it may be the secret.
    if (at <= 0 || !/^[a-zA-Z0-9._-]+$/.test(name))
      throw new Error(`${setting}: entry ${i + 1} is not name:secret (a name of letters, digits, ".", "_" or "-", a colon, the secret)`);
    if (secret.length < 16) throw new Error(`${setting}: the secret of ${name} is shorter than 16 characters`);
    return { name, digest: digest(secret) };
  });
  if (new Set(keys.map((k) => k.name)).size !== keys.length) throw new Error(`${setting}: a name is used twice`);
  return keys;
}

/** The key a secret belongs to; `Authorization: Bearer <secret>` or `x-api-key: <secret>`. */
export function authenticate(keys: ApiKey[], presented: string | undefined): ApiKey {
  if (!presented) throw new UnauthorizedError('an API key is required: Authorization: Bearer <key> or x-api-key: <key>');
  const secret = presented.replace(/^Bearer\s+/i, '').trim();
  const candidate = digest(secret);
  const key = keys.find((k) => timingSafeEqual(k.digest, candidate));
  if (!key) throw new UnauthorizedError('unknown API key');
  return key;
}

/** `Authorization: Basic base64(name:secret)`, for pages a browser opens (the dashboard). */
export function authenticateBasic(keys: ApiKey[], header: string | undefined): ApiKey {
  const encoded = header?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (!encoded) throw new UnauthorizedError('sign in: Authorization: Basic');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  const key = authenticate(keys, decoded.slice(at + 1));
  if (at <= 0 || key.name !== decoded.slice(0, at)) throw new UnauthorizedError('unknown user or password');
  return key;
}
