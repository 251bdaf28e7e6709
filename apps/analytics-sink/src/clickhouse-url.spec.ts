import { withoutPassword } from './clickhouse.provider';

describe('withoutPassword', () => {
  it('masks the password of a URL that is logged, and keeps the rest', () => {
    expect(withoutPassword('http://sink:s3cr3t-pass@clickhouse:8123/db')).toBe('http://sink:***@clickhouse:8123/db');
    expect(withoutPassword('http://clickhouse:8123')).toBe('http://clickhouse:8123/');
    expect(withoutPassword('not a url s3cr3t')).not.toContain('s3cr3t');
  });
});
