import { describe, expect, it } from 'vitest';
import { parseRunFlags } from '../../../lib/cli/drill/run-flags.js';
import { OptionsError } from '../../../lib/core/errors.js';
import { isLoopback } from '../../../lib/core/loopback.js';
import { planRunbook } from '../../../lib/drill/plan.js';
import { safetyProblems } from '../../../lib/drill/safety.js';
import { parseTargetUri } from '../../../lib/topology/attach.js';

const plan = (steps: Array<Record<string, unknown>>) =>
  planRunbook({ name: 'x', description: 'x', topology: { kind: 'replicas', replicas: 1 }, steps })[0] as NonNullable<
    ReturnType<typeof planRunbook>[0]
  >;

describe('safety gate', () => {
  const destructive = plan([
    { action: 'debug-sleep', node: 'primary', duration: '1s' },
    { action: 'client-pause', duration: '1s' },
  ]);
  const owned = plan([{ action: 'crash', node: 'primary' }]);
  const harmless = plan([
    { action: 'sleep', duration: '1s' },
    { action: 'write', count: 10 },
  ]);

  it('allows everything on the embedded topology', () => {
    expect(safetyProblems(owned, {})).toEqual([]);
    expect(safetyProblems(destructive, {})).toEqual([]);
  });
  it('against --target: destructive steps need --allow-destructive', () => {
    expect(safetyProblems(harmless, { targetHost: '127.0.0.1' })).toEqual([]);
    expect(safetyProblems(destructive, { targetHost: '127.0.0.1' })).toEqual([
      'runbook x has destructive step(s) debug-sleep, client-pause: against --target add --allow-destructive',
    ]);
    expect(safetyProblems(destructive, { targetHost: '127.0.0.1', allowDestructive: true })).toEqual([]);
  });
  it('non-loopback targets also need --confirm-non-loopback', () => {
    expect(safetyProblems(destructive, { targetHost: '10.0.0.5', allowDestructive: true })).toEqual([
      '--target 10.0.0.5 is not loopback: add --confirm-non-loopback as well as --allow-destructive',
    ]);
    expect(safetyProblems(destructive, { targetHost: '10.0.0.5', allowDestructive: true, confirmNonLoopback: true })).toEqual([]);
  });
  it('steps that need a process stormdrill started never run against --target', () => {
    expect(safetyProblems(owned, { targetHost: '127.0.0.1', allowDestructive: true })[0]).toContain(
      'crash need a topology stormdrill started',
    );
  });
  it('knows loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(isLoopback(h)).toBe(true);
    for (const h of ['10.0.0.1', 'redis.example.com', '128.0.0.1']) expect(isLoopback(h)).toBe(false);
  });
});

describe('drill run flags', () => {
  it('maps flags onto options', () => {
    const f = parseRunFlags(
      { set: ['replicas=3', 'load=idle'], runId: 'my-run', promRw: 'http://u:s3cret@127.0.0.1:9090/api/v1/write' },
      {},
    );
    expect(f.choice).toEqual({ set: { replicas: '3', load: 'idle' }, allVariants: false });
    expect(f.remoteWrite).toEqual({ url: 'http://127.0.0.1:9090/api/v1/write', username: 'u', password: 's3cret', bearerToken: undefined });
  });
  it('reports every bad flag at once', () => {
    try {
      parseRunFlags({ set: ['nonsense'], runId: 'Bad Id', promRw: 'ftp://x', allowDestructive: true }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(OptionsError);
      const p = (err as OptionsError).problems;
      expect(p).toHaveLength(4);
      expect(p[0]).toContain("--set 'nonsense' must be name=value");
      expect(p.join('\n')).toContain('--run-id must be');
      expect(p.join('\n')).toContain('--prom-rw must be an http(s) URL');
      expect(p.join('\n')).toContain('only apply with --target');
    }
  });
  it('--service-url: an http(s) URL without credentials, trailing slash dropped', () => {
    expect(parseRunFlags({ serviceUrl: 'http://127.0.0.1:8080/' }, {}).serviceUrl).toBe('http://127.0.0.1:8080');
    for (const bad of ['redis://127.0.0.1:6379', 'http://u:pw@127.0.0.1:8080', 'not a url'])
      expect(() => parseRunFlags({ serviceUrl: bad }, {})).toThrow(/--service-url must be an http\(s\) URL without credentials/);
  });
  it('parses --target, password from the URL or REDISCLI_AUTH', () => {
    expect(parseTargetUri('redis://:pw@10.1.2.3:7000', {})).toEqual({ host: '10.1.2.3', port: 7000, user: undefined, password: 'pw' });
    expect(parseTargetUri('127.0.0.1:6380', { REDISCLI_AUTH: 'env' })).toEqual({
      host: '127.0.0.1',
      port: 6380,
      user: undefined,
      password: 'env',
    });
    expect(() => parseTargetUri('http://x:1', {})).toThrow(
      /--target must be redis:\/\/host:port.*, redis-sentinel:\/\/.*\/master-name or redis-cluster:\/\//,
    );
  });

  it('parses redis-sentinel:// with one or more Sentinels, IPv6, the default port and credentials', () => {
    expect(parseTargetUri('redis-sentinel://127.0.0.1:26379,127.0.0.1:26380,[::1]/mymaster', {})).toEqual({
      host: '127.0.0.1',
      port: 26379,
      user: undefined,
      password: undefined,
      sentinel: {
        masterName: 'mymaster',
        sentinels: [
          { host: '127.0.0.1', port: 26379 },
          { host: '127.0.0.1', port: 26380 },
          { host: '::1', port: 26379 },
        ],
      },
    });
    const withAuth = parseTargetUri('redis-sentinel://drill:s%40cret@10.0.0.5:26379/orders', {});
    expect(withAuth).toMatchObject({ host: '10.0.0.5', user: 'drill', password: 's@cret', sentinel: { masterName: 'orders' } });
    expect(parseTargetUri('redis-sentinel://127.0.0.1/m', { REDISCLI_AUTH: 'env' }).password).toBe('env');
    for (const bad of ['redis-sentinel://127.0.0.1:26379', 'redis-sentinel://127.0.0.1:0/m', 'redis-sentinel://:pw@/m'])
      expect(() => parseTargetUri(bad, {})).toThrow(/^--target/);
    expect(parseTargetUri('redis-cluster://127.0.0.1:7000,127.0.0.1:7001', {})).toEqual({
      host: '127.0.0.1',
      port: 7000,
      user: undefined,
      password: undefined,
      cluster: {
        seeds: [
          { host: '127.0.0.1', port: 7000 },
          { host: '127.0.0.1', port: 7001 },
        ],
      },
    });
    expect(parseTargetUri('redis-cluster://[::1]', {})).toMatchObject({ host: '::1', port: 6379 });
    expect(() => parseTargetUri('redis-cluster://127.0.0.1:7000/mymaster', {})).toThrow(/is not redis-cluster:\/\/host:port/);
    // the password never appears in the message
    expect(() => parseTargetUri('redis-sentinel://u:hunter2@h:1', {})).toThrow(/^(?!.*hunter2)/);
  });
});
