import { describe, expect, it } from 'vitest';
import { MissingBinaryError, redactSecrets } from '../../../lib/core/errors.js';

describe('errors', () => {
  it('names the package to install for a missing binary', () => {
    const e = new MissingBinaryError('redis-server', 'redis-server');
    expect(e.message).toMatch(/apt-get install redis-server/);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('redacts credentials in URLs and command lines', () => {
    expect(redactSecrets('redis://user:s3cret@127.0.0.1:6379/0')).toBe('redis://user:***@127.0.0.1:6379/0');
    expect(redactSecrets('stormdrill bench -a s3cret -p 1')).not.toContain('s3cret');
    expect(redactSecrets('AUTH default s3cret')).not.toContain('s3cret');
    expect(redactSecrets('requirepass s3cret')).not.toContain('s3cret');
  });
});
