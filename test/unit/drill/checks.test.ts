import { describe, expect, it } from 'vitest';
import { type DrillMeasurements, evaluateChecks, failoverSeconds, NEW_PRIMARY_EVENTS } from '../../../lib/drill/checks.js';

const m = (over: Partial<DrillMeasurements> = {}): DrillMeasurements => ({
  writeUnavailableMs: 1200,
  readUnavailableMs: 300,
  ackedLost: 0,
  verify: { ok: true, replicas: 2, keys: 100, conflicts: 0, detail: 'ok' },
  fullSyncs: 0,
  loadingErrors: 0,
  failoverSeconds: 2.5,
  primaryChanged: true,
  clusterStateOk: null,
  oomErrors: 0,
  evictions: 0,
  ...over,
});

describe('check verdicts', () => {
  it('compares every measured figure with its limit', () => {
    const r = evaluateChecks(
      { maxWriteUnavailable: 1000, maxReadUnavailable: 500, ackedLost: 0, verify: true, noFullSync: true, failoverWithin: 3000 },
      m(),
    );
    expect(r.map((c) => [c.name, c.ok, c.measured])).toEqual([
      ['maxWriteUnavailable', false, 1200],
      ['maxReadUnavailable', true, 300],
      ['ackedLost', true, 0],
      ['verify', true, 0],
      ['noFullSync', true, 0],
      ['failoverWithin', true, 2.5],
    ]);
    expect(r[0]?.limit).toBe('<= 1000 ms');
  });
  it('acked loss: at most N, or exactly N', () => {
    expect(evaluateChecks({ ackedLost: { max: 3 } }, m({ ackedLost: 3 }))[0]?.ok).toBe(true);
    expect(evaluateChecks({ ackedLost: 0 }, m({ ackedLost: 1 }))[0]?.ok).toBe(false);
    expect(evaluateChecks({ ackedLost: { exactly: 500 } }, m({ ackedLost: 500 }))[0]).toMatchObject({ ok: true, limit: '== 500' });
    expect(evaluateChecks({ ackedLost: { exactly: 500 } }, m({ ackedLost: 499 }))[0]?.ok).toBe(false);
  });
  it('a figure that was not measured fails the check instead of passing silently', () => {
    const r = evaluateChecks(
      { ackedLost: 0, maxWriteUnavailable: 1000, verify: true, clusterStateOk: true },
      m({ ackedLost: null, writeUnavailableMs: null, verify: null }),
    );
    expect(r.every((c) => !c.ok && c.measured === null && c.detail?.startsWith('not measured'))).toBe(true);
  });
  it('full syncs, failover, cluster state, OOM and evictions', () => {
    expect(evaluateChecks({ noFullSync: true }, m({ fullSyncs: 2 }))[0]).toMatchObject({ ok: false, measured: 2 });
    expect(evaluateChecks({ failoverWithin: 10_000 }, m({ failoverSeconds: null }))[0]).toMatchObject({
      ok: false,
      detail: 'no failover happened',
    });
    expect(evaluateChecks({ noFailover: true }, m({ primaryChanged: true }))[0]?.ok).toBe(false);
    expect(evaluateChecks({ clusterStateOk: true }, m({ clusterStateOk: true }))[0]?.ok).toBe(true);
    expect(evaluateChecks({ minOomErrors: 1 }, m({ oomErrors: 0 }))[0]?.ok).toBe(false);
    expect(evaluateChecks({ minEvictions: 1 }, m({ evictions: 12 }))[0]?.ok).toBe(true);
    expect(evaluateChecks({ noLoadingErrors: true }, m({ loadingErrors: 3 }))[0]?.ok).toBe(false);
  });
  it('failover time runs from the first fault to the first new-primary event after it', () => {
    const ev = [
      { atMs: 500, kind: '+switch-master' },
      { atMs: 1500, kind: '+sdown' },
      { atMs: 3250, kind: '+switch-master' },
      { atMs: 3300, kind: 'promoted' },
    ];
    expect(failoverSeconds(1000, ev, NEW_PRIMARY_EVENTS)).toBe(2.25);
    expect(failoverSeconds(null, ev, NEW_PRIMARY_EVENTS)).toBeNull();
    expect(failoverSeconds(4000, ev, NEW_PRIMARY_EVENTS)).toBeNull();
  });
});
