import { describe, expect, it } from 'vitest';
import { givenSecrets, MissingBinaryError, redactSecrets } from '../../../lib/core/errors.js';

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

  it('leaves the placeholders of our own help and fix texts as written', () => {
    for (const text of [
      '--user needs -a <password> (ACL style AUTH username password)',
      'requires a password: pass it with -a (and --user for ACL users)',
      "'nonsense' is not a URL: use redis://[user:password@]host:port[/db]",
      'add -a/--pass (or -u redis://:PASSWORD@host:port, or REDISCLI_AUTH)',
      'redis-sentinel://[user:password@]h:p[,h:p...]/master-name',
    ])
      expect(redactSecrets(text)).toBe(text);
  });

  it('redacts the secrets the process was given wherever they appear, as whole tokens', () => {
    const known = givenSecrets(['node', 'stormdrill', 'fill', '-a', 'hunter2', '-u', 'redis://bob:p%40ss@h:1', '--sentinel-pass=zz9'], {
      REDISCLI_AUTH: 'fromenv',
    });
    expect(known).toEqual(expect.arrayContaining(['hunter2', 'p@ss', 'zz9', 'fromenv']));
    expect(redactSecrets('login failed for hunter2; tried p@ss and zz9, env fromenv', known)).toBe(
      'login failed for ***; tried *** and ***, env ***',
    );
    // a short secret blanks only itself, not every letter like it
    expect(redactSecrets('a password a', ['a'])).toBe('*** password ***');
    expect(redactSecrets('banana', ['a'])).toBe('banana');
  });
});
