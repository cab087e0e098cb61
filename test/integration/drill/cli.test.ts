// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook variables are written ${name}
/**
 * The `stormdrill drill` CLI as a child process: bad input gives one clear line and a
 * non-zero exit with everything stopped; SIGINT in the middle of a step restores what the
 * drill changed, stops everything and still writes a partial report; --target is gated.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisOnce } from '../../../lib/redis/once.js';
import { startTopology } from '../../../lib/topology/index.js';
import { expectOneLine, stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { ports, tmpDir } from '../../support/namespace.js';
import { alive } from '../../support/processes.js';
import { waitUntil } from '../../support/wait.js';

const env = useTestEnv({ redis: true });

/** Run the CLI with its own pid registry, so the test can see every process it started. */
function cli(args: string[], dir: string, extraEnv: Record<string, string> = {}) {
  const registry = join(dir, 'pids');
  mkdirSync(registry, { recursive: true });
  const child = stormdrill(args, { cwd: dir, env: { STORMDRILL_PID_REGISTRY: registry, ...extraEnv }, timeoutMs: 55_000 });
  return { child, registry };
}

/** Every pid the child ever registered, collected while it runs. */
function trackPids(registry: string): { seen: Set<number>; stop: () => void } {
  const seen = new Set<number>();
  const timer = setInterval(() => {
    try {
      for (const f of readdirSync(registry)) seen.add(Number(f));
    } catch {
      /* the test's temp dir is gone */
    }
  }, 20);
  return { seen, stop: () => clearInterval(timer) };
}

function runbook(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\ndescription: test drill\n${body}`);
  return file;
}

function expectAllGone(registry: string, seen: Set<number>): void {
  for (const f of readdirSync(registry)) seen.add(Number(f));
  const left = [...seen].filter((pid) => alive(pid));
  expect(left, 'processes left running').toEqual([]);
}

describe('stormdrill drill: bad input', () => {
  it('an unknown step and a bad duration: file:line lines naming the fix, exit 2, nothing started', async () => {
    const dir = tmpDir('bad-step');
    const file = runbook(
      dir,
      'bad',
      'topology:\n  kind: standalone\nsteps:\n  - action: nuke\n  - action: sleep\n    duration: 3 fortnights\n',
    );
    const { child, registry } = cli(['drill', 'run', file], dir);
    const r = await child;
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^stormdrill: bad\.yaml:6: steps\[0\]\.action: unknown step 'nuke': known steps are sleep, crash, freeze/);
    expect(lines[1]).toBe("bad.yaml:8: steps[1].duration: bad duration '3 fortnights': use e.g. 250ms, 2s, 1m30s");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(registry)).toEqual([]);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });

  it('a runbook that validates in shape but cannot run: validate and run list every problem at once on stderr, exit 2, nothing started', async () => {
    const dir = tmpDir('cannot-run');
    const file = runbook(
      dir,
      'cannot-run',
      [
        'vars: { a: "${b}", b: "${a}" }',
        'topology: { kind: replicas, replicas: 1 }',
        'abort: { maxDuration: 2m }',
        'steps:',
        '  - action: crash',
        '    node: replica-7',
        '  - action: wait-for',
        '    event: +switch-master',
        '    timeout: 10m',
        '  - action: sleep',
        '    duration: 1s',
        '    at: 100h',
        '  - action: sleep',
        '    duration: ${a}',
        '',
      ].join('\n'),
    );
    const expected = [
      'cannot-run.yaml:3: vars.a: variable cycle a → b → a: give one of them a value',
      "cannot-run.yaml:8: steps[0].node: no node 'replica-7' in this replicas topology (it has primary, replica-1): name one of those or use a selector such as primary or replicas",
      'cannot-run.yaml:10: steps[1].event: +switch-master comes from Sentinels or a cluster: a replicas topology has neither (use kind sentinel, haproxy or cluster)',
      'cannot-run.yaml:11: steps[1].timeout: timeout 10m is longer than abort.maxDuration (2m)',
      'cannot-run.yaml:14: steps[2].at: at 100h is after abort.maxDuration (2m): the step would never run',
    ];
    for (const cmd of ['validate', 'run']) {
      const { child, registry } = cli(['drill', cmd, file], dir);
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(
        r.stderr
          .trim()
          .replace(/^stormdrill: /, '')
          .split('\n'),
      ).toEqual(expected);
      expect(readdirSync(registry)).toEqual([]);
    }
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });

  it('a wait-for that can never be met times out with a clear line, exit 4, partial report, everything stopped', async () => {
    const dir = tmpDir('never');
    const file = runbook(
      dir,
      'never',
      'topology:\n  kind: standalone\nworkload: { kind: write, rate: 200 }\nsteps:\n  - action: wait-for\n    role: { node: primary, is: replica }\n    timeout: 1s\n  - action: sleep\n    duration: 1s\nchecks:\n  ackedLost: 0\n',
    );
    const { child, registry } = cli(['drill', 'run', file, '--report-dir', 'out'], dir);
    const pids = trackPids(registry);
    const r = await child;
    pids.stop();
    expect(r.exitCode, r.stderr).toBe(4);
    expect(r.stdout).toMatch(
      /ABORTED — step 1 \(wait for primary to be replica \(timeout 1s\)\) failed: wait-for failed: timed out after 1000 ms/,
    );
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report.status).toBe('aborted');
    expect(report.partial).toBe(true);
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0].ok).toBe(false);
    expect(pids.seen.size).toBeGreaterThan(0);
    expectAllGone(registry, pids.seen);
  });

  it('a topology that cannot start: one line, exit 3, everything stopped', async () => {
    const dir = tmpDir('nostart');
    const file = runbook(
      dir,
      'nostart',
      'topology:\n  kind: replicas\n  replicas: 1\n  replBacklogSize: "0"\nsteps:\n  - action: sleep\n    duration: 1s\n',
    );
    const { child, registry } = cli(['drill', 'run', file], dir);
    const pids = trackPids(registry);
    const r = await child;
    pids.stop();
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^stormdrill: drill nostart: the replicas topology could not start: .*repl-backlog-size/);
    expectAllGone(registry, pids.seen);
  });
});

describe('stormdrill drill: interrupted', () => {
  it('SIGINT in the middle of a freeze thaws, heals, stops everything and writes a partial report', async () => {
    const dir = tmpDir('sigint');
    const file = runbook(
      dir,
      'interrupt-me',
      [
        'topology:',
        '  kind: replicas',
        '  replicas: 1',
        'workload: { kind: write, rate: 200 }',
        'steps:',
        '  - action: network',
        '    node: primary',
        '    fault: blackhole',
        '    scope: replication',
        '  - action: freeze',
        '    node: replica-1',
        '    duration: 60s',
        'checks:',
        '  ackedLost: 0',
        '',
      ].join('\n'),
    );
    const { child, registry } = cli(['drill', 'run', file, '--report-dir', 'out'], dir);
    const pids = trackPids(registry);
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    await waitUntil('the freeze step to start', async () => /freeze replica-1 for 1m/.test(out), 30_000);
    child.kill('SIGINT');
    const r = await child;
    pids.stop();
    expect(r.exitCode, r.stderr).toBe(130);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.partial).toBe(true);
    expect(report.reason).toMatch(/interrupted/);
    // the frozen replica was thawed (by the interrupted step or by the restore) and the fault healed
    const events = report.events as Array<{ kind: string; node?: string; detail?: string; atMs: number }>;
    const interruptedAt = events.find((e) => e.kind === 'abort')?.atMs ?? 0;
    const restore = events.find((e) => e.kind === 'restore')?.detail ?? '';
    expect(
      events.some((e) => e.kind === 'thaw' && e.node === 'replica-1' && e.atMs >= interruptedAt) || /freeze on replica-1/.test(restore),
    ).toBe(true);
    expect(restore).toMatch(/network on primary/);
    expect(report.steps.at(-1).action).toBe('freeze');
    expect(report.steps.at(-1).ok).toBe(false);
    expect(existsSync(join(dir, 'out/report.html'))).toBe(true);
    expectAllGone(registry, pids.seen);
  });
});

/**
 * SIGINT to `drill run primary-fails` (or another runbook on a Sentinel group) once its
 * Sentinel topology has begun to start (the phase's line is printed and its first
 * redis-server is registered). The child's temp dir is the test's own, so the drill's work
 * dir can be seen.
 */
async function interruptWhileTopologyStarts(
  name: string,
  extraArgs: string[] = [],
  until: (out: string, registry: string) => boolean = (out, registry) =>
    /starting a sentinel topology/.test(out) && readdirSync(registry).length > 0,
  runbook = 'primary-fails',
) {
  const dir = tmpDir(name);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const { child, registry } = cli(['drill', 'run', runbook, '--report-dir', 'out', ...extraArgs], dir, { TMPDIR: tmp });
  const pids = trackPids(registry);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  await waitUntil('the phase to begin', async () => until(out, registry), 30_000, 25);
  child.kill('SIGINT');
  const r = await child;
  pids.stop();
  return { r, dir, tmp, registry, pids, out };
}

describe('stormdrill drill: interrupted while the topology starts', () => {
  it('SIGINT in the topology phase: report.json says interrupted in phase topology, nothing left running, the work dir gone', async () => {
    const { r, dir, tmp, registry, pids } = await interruptWhileTopologyStarts('sigint-topology');
    expect(r.exitCode, r.stderr).toBe(130);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.phase).toBe('topology');
    expect(r.stdout).toMatch(/INTERRUPTED — interrupted \(SIGINT\/SIGTERM\) \(stopped in phase topology\)/);
    expect(report.partial).toBe(true);
    expect(r.stdout).toMatch(/write unavailable not measured/);
    expect(r.stdout).not.toMatch(/n\/a ms/);
    expectAllGone(registry, pids.seen);
    expect(readdirSync(tmp).filter((f) => f.startsWith('stormdrill-drill-'))).toEqual([]);
  });

  it('SIGINT in the topology phase of a partition drill: the partial report is written all the same', async () => {
    const { r, dir, registry, pids } = await interruptWhileTopologyStarts(
      'sigint-topology-partition',
      [],
      undefined,
      'sentinel-split-brain',
    );
    expect(r.exitCode, r.stderr).toBe(130);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report).toMatchObject({ runbook: 'sentinel-split-brain', status: 'interrupted', phase: 'topology', partial: true });
    expectAllGone(registry, pids.seen);
  });

  it('SIGINT while it fills (preconditions): the same, in phase preconditions, at once', async () => {
    const { r, dir, tmp, registry, pids } = await interruptWhileTopologyStarts('sigint-fill', [], (out) => /filling to 60%/.test(out));
    expect(r.exitCode, r.stderr).toBe(130);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.phase).toBe('preconditions');
    expectAllGone(registry, pids.seen);
    expect(readdirSync(tmp).filter((f) => f.startsWith('stormdrill-drill-'))).toEqual([]);
  });

  it('with --keep-work-dir the work dir stays and the run says where it is', async () => {
    const { r, tmp, registry, pids } = await interruptWhileTopologyStarts('sigint-topology-keep', ['--keep-work-dir']);
    expect(r.exitCode, r.stderr).toBe(130);
    expectAllGone(registry, pids.seen);
    const kept = readdirSync(tmp).filter((f) => f.startsWith('stormdrill-drill-'));
    expect(kept).toHaveLength(1);
    expect(r.stdout).toContain(`work dir kept: ${join(tmp, kept[0] as string)}`);
  });
});

describe('stormdrill drill: interrupted in a step that does not watch for aborts', () => {
  it('SIGINT during a 20 s DEBUG SLEEP still ends within seconds with a partial report and nothing left', async () => {
    const dir = tmpDir('sigint-sleep');
    const file = runbook(
      dir,
      'sleepy',
      'topology:\n  kind: standalone\nworkload: { kind: write, rate: 200 }\nsteps:\n  - action: debug-sleep\n    node: primary\n    duration: 20s\n',
    );
    const { child, registry } = cli(['drill', 'run', file, '--report-dir', 'out'], dir);
    const pids = trackPids(registry);
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    // interrupt only once the step has started (the runner prints it as it begins)
    await waitUntil('the DEBUG SLEEP step to start', async () => /DEBUG SLEEP 20s on primary/.test(out), 30_000);
    const sent = Date.now();
    child.kill('SIGINT');
    const r = await child;
    pids.stop();
    expect(r.exitCode, r.stderr).toBe(130);
    expect(Date.now() - sent).toBeLessThan(12_000);
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.steps[0]).toMatchObject({ action: 'debug-sleep', ok: false });
    // the server was asleep when the interrupt came, and the drill did not wait for it to wake
    const kinds = (report.events as Array<{ kind: string }>).map((e) => e.kind);
    expect(kinds).toContain('debug-sleep');
    expect(kinds).not.toContain('debug-sleep-end');
    expectAllGone(registry, pids.seen);
  });
});

/** `drill run planned-switchover` against a deployment the test started: passed, no acknowledged write lost. */
async function switchoverAgainst(kind: 'sentinel' | 'cluster', target: string, dir: string) {
  const args = ['drill', 'run', 'planned-switchover', '--set', `kind=${kind}`, '--target', target, '--allow-destructive', '--json'];
  const r = await cli(args, dir).child;
  expect(r.exitCode, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.ackedLost).toBe(0);
  expect(report.audit.acked).toBeGreaterThan(100);
  expect(report.events.some((e: { kind: string }) => e.kind === 'switchover-done')).toBe(true);
  return report;
}

describe('stormdrill drill: --target', () => {
  it('refuses destructive steps without --allow-destructive, and steps needing its own processes always', async () => {
    const dir = tmpDir('target-refuse');
    const pause = runbook(dir, 'pause', 'topology:\n  kind: standalone\nsteps:\n  - action: client-pause\n    duration: 200ms\n');
    const target = `redis://127.0.0.1:${env.redis.port}`;
    const a = await cli(['drill', 'run', pause, '--target', target], dir).child;
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toMatch(/destructive step\(s\) client-pause: against --target add --allow-destructive/);
    const b = await cli(['drill', 'run', 'known-loss', '--target', target, '--allow-destructive'], dir).child;
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toMatch(/step\(s\) network, crash need a topology stormdrill started/);
    const c = await cli(['drill', 'run', pause, '--target', 'redis://10.255.0.1:6379', '--allow-destructive'], dir).child;
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/not loopback: add --confirm-non-loopback/);
  });

  it('runs against an existing server it did not start, and leaves it running', async () => {
    const dir = tmpDir('target-run');
    const file = runbook(
      dir,
      'attached',
      'topology:\n  kind: standalone\nsteps:\n  - action: write\n    count: 300\n  - action: client-pause\n    duration: 300ms\n    mode: write\nchecks:\n  ackedLost: 0\n',
    );
    const runId = `${env.namespace.runId}-attached`;
    const r = await cli(
      ['drill', 'run', file, '--target', `redis://127.0.0.1:${env.redis.port}`, '--allow-destructive', '--json', '--run-id', runId],
      dir,
    ).child;
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.target).toBe(`127.0.0.1:${env.redis.port}`);
    expect(report.runId).toBe(runId);
    expect(report.ackedLost).toBe(0);
    expect(report.audit.acked).toBe(300);
    expect(report.events.some((e: { kind: string }) => e.kind === 'client-pause')).toBe(true);
    expect(env.redis.process.running).toBe(true);
    // the keys it wrote are in its own namespace only
    const { redisOnce } = await import('../../../lib/redis/index.js');
    const keys = ((await redisOnce(env.redis.port, ['KEYS', '*'])) as unknown[]).map(String);
    expect(keys.length).toBe(300);
    expect(keys.every((k) => k.startsWith(`sd:${report.runId}:`))).toBe(true);
  });

  it('switches over a Sentinel group it did not start (redis-sentinel://), loses no acknowledged write, and leaves it running', async () => {
    const dir = tmpDir('target-sentinel');
    const t = await startTopology({ kind: 'sentinel', replicas: 2, downAfterMs: 2000 }, { ports, dir: join(dir, 'group') });
    try {
      if (t.spec.kind !== 'sentinel') throw new Error('not a sentinel topology');
      const name = t.spec.masterName;
      const before = await t.currentPrimary();
      const s = t.sentinels[0] as { port: number };
      // bad input first: a malformed URI and a master the Sentinels do not monitor
      const bad = await cli(
        ['drill', 'run', 'planned-switchover', '--set', 'kind=sentinel', '--target', 'redis-sentinel://127.0.0.1:x/m'],
        dir,
      ).child;
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/'127\.0\.0\.1:x' is not host:port/);
      const unknown = await cli(
        [
          'drill',
          'run',
          'planned-switchover',
          '--set',
          'kind=sentinel',
          '--target',
          `redis-sentinel://127.0.0.1:${s.port}/no-such-master`,
          '--allow-destructive',
        ],
        dir,
      ).child;
      expect(unknown.exitCode).not.toBe(0);
      expect(unknown.stderr).toMatch(/monitor no master named 'no-such-master'/);
      expect(unknown.stderr).not.toMatch(/\n\s+at /);
      // a partition by address needs each member on an address of its own: refused before anything is written
      const shared = await cli(
        ['drill', 'run', 'sentinel-split-brain', '--target', `redis-sentinel://127.0.0.1:${s.port}/${name}`, '--allow-destructive'],
        dir,
      ).child;
      expectOneLine(
        shared,
        /partition by address: primary is at 127\.0\.0\.1, the address of the drill's own probes: give each node and Sentinel a loopback address of its own/,
      );
      for (const n of t.nodes) expect(await redisOnce(n.port, ['DBSIZE'])).toBe(0);

      const target = `redis-sentinel://127.0.0.1:${s.port}/${name}`;
      const report = await switchoverAgainst('sentinel', target, dir);
      expect(report.target).toBe(`Sentinel master '${name}' via 127.0.0.1:${s.port}`);
      // the Sentinels' own messages are on the timeline, from every Sentinel discovered
      const switches = report.events.filter((e: { kind: string }) => e.kind === '+switch-master');
      expect(switches.length).toBeGreaterThanOrEqual(1);
      expect((await t.currentPrimary()).name).not.toBe(before.name);
      // nothing of the group was stopped, and nothing else is left running
      for (const n of t.nodes) expect(n.process?.running).toBe(true);
      for (const x of t.sentinels) expect(x.process?.running).toBe(true);
    } finally {
      await t.stop();
    }
  });

  it('switches over a Redis Cluster it did not start (redis-cluster://) with no acknowledged write lost, and leaves it running', async () => {
    const dir = tmpDir('target-cluster');
    const t = await startTopology({ kind: 'cluster', masters: 3, replicasPerMaster: 1 }, { ports, dir: join(dir, 'cluster') });
    try {
      const seed = t.nodes[0] as { port: number };
      const notCluster = await cli(
        ['drill', 'run', 'planned-switchover', '--target', `redis-cluster://127.0.0.1:${env.redis.port}`, '--allow-destructive'],
        dir,
      ).child;
      expect(notCluster.exitCode).not.toBe(0);
      expect(notCluster.stderr.trim().split('\n')).toHaveLength(1);
      expect(notCluster.stderr).toMatch(/is not a cluster node \(cluster support disabled\): use redis:\/\/host:port/);

      const before = await Promise.all(t.nodes.map(async (n) => `${n.name}:${((await redisOnce(n.port, ['ROLE'])) as unknown[])[0]}`));
      const target = `redis-cluster://127.0.0.1:${seed.port}`;
      const report = await switchoverAgainst('cluster', target, dir);
      expect(report.target).toBe(`Cluster via 127.0.0.1:${seed.port}`);
      // the cluster's own view of the switch is on the timeline
      expect(report.events.some((e: { source: string }) => e.source === 'cluster')).toBe(true);
      const after = await Promise.all(t.nodes.map(async (n) => `${n.name}:${((await redisOnce(n.port, ['ROLE'])) as unknown[])[0]}`));
      expect(after).not.toEqual(before);
      for (const n of t.nodes) expect(n.process?.running).toBe(true);
    } finally {
      await t.stop();
    }
  });

  it('lists the shipped runbooks', async () => {
    const r = await cli(['drill', 'list', '--json'], tmpDir('list')).child;
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; variants: number; human: boolean }>;
    expect(rows.find((x) => x.name === 'primary-fails')).toMatchObject({ variants: 16, human: true });
    expect(rows.every((x) => x.human && x.variants > 0)).toBe(true);
  });
});
