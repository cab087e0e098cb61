/**
 * Unavailability windows measured against a fault of known length, maxmemory behaviour
 * counted from the servers, and drill figures pushed to a real Prometheus by remote write.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../../lib/drill/load.js';
import { planRunbook } from '../../../lib/drill/plan.js';
import { runDrill } from '../../../lib/drill/runner.js';
import { useTestEnv } from '../../support/env.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { promQuery } from '../../support/prom.js';
import { waitForValue } from '../../support/wait.js';

const env = useTestEnv({ prometheus: true });

describe('drill measurements', () => {
  it('a 2 s freeze gives a 2 s write window (±100 ms), pushed to Prometheus with the testid', async () => {
    const rb = loadRunbook('freeze-window');
    const dir = tmpDir('freeze');
    const runId = `${namespace.runId}-fw`.slice(0, 48);
    const r = await runDrill({
      plan: rb.plans[0]!,
      ports,
      runId,
      reportDir: dir,
      remoteWrite: { url: `http://127.0.0.1:${env.prometheus.port}/api/v1/write` },
    });
    // the window the freeze caused (a loaded machine may add a short unrelated one elsewhere)
    const freeze = r.report.steps.find((s) => s.action === 'freeze')!;
    const during = r.report.writeWindows.filter((w) => w.endMs > freeze.startMs && w.startMs < (freeze.endMs ?? 0));
    expect(during).toHaveLength(1);
    const w = during[0]!;
    // the window covers the 2 s freeze and starts with it; a busy machine only stretches it
    // (the accuracy, ±100 ms, is measured by bench:drill on a quiet machine)
    expect(w.durationMs).toBeGreaterThanOrEqual(1900);
    expect(w.durationMs).toBeLessThan(5000);
    expect(w.startMs).toBeGreaterThanOrEqual(freeze.startMs - 100);
    expect(w.startMs - freeze.startMs).toBeLessThan(1500);
    expect(r.report.writeUnavailableMs ?? 0).toBeGreaterThanOrEqual(1900);
    expect(r.report.ackedLost).toBe(0);
    expect(r.exitCode).toBe(0);
    // the HTML shades that window and marks the freeze step
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<rect class="window write"/g)).toHaveLength(r.report.writeWindows.length);
    expect(html).toContain('<g class="marker step" data-action="freeze"');
    // the figures reached Prometheus under the run's testid
    const rows = await waitForValue(
      'both checks in Prometheus',
      () => promQuery(env.prometheus.url, `stormdrill_drill_check_ok{testid="${runId}"}`),
      (x) => x.length === 2,
      10_000,
      250,
    );
    expect(rows.map((x) => x.metric.check).sort()).toEqual(['ackedLost', 'maxWriteUnavailable']);
    expect(rows.every((x) => x.value?.[1] === '1')).toBe(true);
    const unavailable = await promQuery(env.prometheus.url, `stormdrill_drill_unavailable_ms{testid="${runId}",op="write"}`);
    expect(Number(unavailable[0]?.value?.[1])).toBe(r.report.writeUnavailableMs);
  });

  it('maxmemory: noeviction counts OOM rejections, allkeys-lru counts evictions', async () => {
    const [noev] = loadRunbook('maxmemory-policy', { set: { policy: 'noeviction' } }).plans;
    const a = await runDrill({ plan: noev!, ports, reportDir: tmpDir('noeviction') });
    expect(a.report.oomErrors ?? 0).toBeGreaterThan(0);
    expect(a.report.workload?.errors.OOM ?? 0).toBeGreaterThan(0);
    expect(a.report.checks.find((c) => c.name === 'minOomErrors')?.ok).toBe(true);
    const [lru] = loadRunbook('maxmemory-policy', { set: { policy: 'allkeys-lru' } }).plans;
    const b = await runDrill({ plan: lru!, ports, reportDir: tmpDir('lru') });
    expect(b.report.evictions ?? 0).toBeGreaterThan(0);
    expect(b.report.workload?.errors.OOM ?? 0).toBe(0);
    expect(b.report.checks.find((c) => c.name === 'minEvictions')?.ok).toBe(true);
  });

  it('an abort criterion stops the drill and runs the rollback; the report is partial', async () => {
    const [plan] = planRunbook({
      name: 'abort-me',
      description: 'freeze without end, abort after 1.5 s of write unavailability',
      topology: { kind: 'standalone' },
      workload: { kind: 'write', rate: 300, opTimeout: '200ms' },
      steps: [
        { action: 'freeze', node: 'primary' },
        { action: 'sleep', duration: '30s' },
      ],
      checks: { ackedLost: 0 },
      abort: { maxWriteUnavailable: '1500ms', maxDuration: '20s' },
      rollback: [{ action: 'thaw', node: 'all' }],
    });
    const started = Date.now();
    const r = await runDrill({ plan: plan!, ports, reportDir: tmpDir('abort') });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.exitCode).toBe(4);
    expect(r.report.status).toBe('aborted');
    expect(r.report.partial).toBe(true);
    expect(r.report.reason).toMatch(/writes unavailable for more than 1500 ms \(abort\.maxWriteUnavailable\)/);
    const rollback = r.report.steps.find((s) => s.label.startsWith('rollback: thaw'));
    expect(rollback?.ok).toBe(true);
    // after the rollback the writes went through again and nothing acknowledged was lost
    expect(r.report.ackedLost).toBe(0);
    expect(r.report.writeWindows.every((w) => !w.open)).toBe(true);
  });
});
