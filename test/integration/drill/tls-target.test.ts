/**
 * Every probe speaks TLS and ACL: against a TLS-only redis-server (`port 0`, `tls-port N`,
 * a CA this test makes with openssl) that clients reach as an ACL user, a drill runs with
 * `--target rediss://…`, `topology status --target` reads the node, and
 * fill, write, audit, verify and bench all work; without the CA the drill refuses in one line.
 * A TLS-only Sentinel and a TLS-only Cluster are attached and waited on over TLS too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFromText } from '../../../lib/drill/load.js';
import type { DrillPlan } from '../../../lib/drill/plan.js';
import { RunState } from '../../../lib/drill/run/state.js';
import { stopTimers } from '../../../lib/drill/run/workload.js';
import { watchWriteAcceptance } from '../../../lib/drill/run/write-acceptance.js';
import { runAudit, runFill, runVerify, runWrite } from '../../../lib/integrity/index.js';
import { redisOnce } from '../../../lib/redis/once.js';
import { requireBinary } from '../../../lib/stack/binaries.js';
import { waitUntil } from '../../../lib/stack/info.js';
import { spawnManaged } from '../../../lib/stack/process.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { attachTarget, parseTargetUri } from '../../../lib/topology/attach.js';
import { waitClusterOk, waitSentinelsAgree } from '../../../lib/topology/start.js';
import { makeTestCerts, type TestCerts } from '../../support/certs.js';
import { expectOneLine, stormdrill } from '../../support/cli.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { bench } from '../bench/helpers.js';

const PASSWORD = 'tls-acl-Secret-7';
const USER = 'drill';
let node: RedisNode;
let certs: TestCerts;

beforeAll(async () => {
  certs = await makeTestCerts(tmpDir('certs'));
  node = await startRedisServer({
    port: await ports.take(),
    dir: join(tmpDir('tls-only'), 'node'),
    password: PASSWORD,
    tls: certs,
    config: { user: `${USER} on >${PASSWORD} ~* &* +@all` },
  });
});
afterAll(async () => {
  await node?.stop();
});

/** Three TLS-only cluster masters (pushed to `masters` as they start, so the caller stops them), joined by redis-cli --cluster create over TLS. */
async function startTlsCluster(masters: RedisNode[], dirName: string, config: Record<string, string | number>): Promise<void> {
  for (let i = 0; i < 3; i++)
    masters.push(
      await startRedisServer({
        port: await ports.take(),
        dir: join(tmpDir(dirName), `m${i}`),
        tls: certs,
        cluster: true,
        config: { 'tls-cluster': 'yes', 'cluster-port': await ports.take(), ...config },
      }),
    );
  const cli = ['--tls', '--cacert', certs.caFile, '--cluster', 'create', ...masters.map((m) => `127.0.0.1:${m.port}`), '--cluster-yes'];
  const create = await execa(requireBinary('redis-cli'), cli, { reject: false, timeout: 60_000 });
  expect(create.exitCode, create.stderr).toBe(0);
}

const drill = (args: string[], dir: string) => stormdrill(['drill', 'run', ...args], { cwd: dir, env: { REDISCLI_AUTH: PASSWORD } });

describe('a TLS-only server with an ACL user', () => {
  it('runs a drill with --target rediss://user@host:port (the password from REDISCLI_AUTH) and loses nothing', async () => {
    const dir = tmpDir('drill');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'tls.yaml');
    writeFileSync(
      file,
      'name: tls\ndescription: a drill over TLS\ntopology:\n  kind: standalone\nsteps:\n  - action: write\n    count: 300\n  - action: client-pause\n    duration: 300ms\n    mode: write\nchecks:\n  ackedLost: 0\n',
    );
    const target = `rediss://${USER}@127.0.0.1:${node.port}`;
    const r = await drill([file, '--target', target, '--tls-ca', certs.caFile, '--allow-destructive', '--json'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.target).toBe(`127.0.0.1:${node.port}`);
    expect(report.status).toBe('passed');
    expect(report.ackedLost).toBe(0);
    expect(report.audit.acked).toBe(300);
    expect(report.events.some((e: { kind: string }) => e.kind === 'client-pause')).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    // the keys it wrote are there, in its namespace, read over TLS as the ACL user
    const v = await runVerify({
      source: { uri: `rediss://127.0.0.1:${node.port}`, user: USER, password: PASSWORD, tls: { caFile: certs.caFile } },
      target: { uri: `rediss://127.0.0.1:${node.port}`, user: USER, password: PASSWORD, tls: { caFile: certs.caFile } },
      match: `sd:${report.runId}:*`,
      rounds: 1,
    });
    expect(v.keysCompared).toBe(300);
  });

  it('refuses a --target rediss:// whose certificate it cannot verify, in one line', async () => {
    const dir = tmpDir('drill-bad-ca');
    const r = await drill(
      ['planned-switchover', '--target', `rediss://${USER}@127.0.0.1:${node.port}`, '--tls-ca', certs.otherCaFile, '--allow-destructive'],
      dir,
    );
    expectOneLine(r, /certificate|self.signed/i);
  });

  it("a partition drill's write-acceptance watch reads the node over TLS as the ACL user", async () => {
    const t = await attachTarget(
      parseTargetUri(`rediss://${USER}@127.0.0.1:${node.port}`, { REDISCLI_AUTH: PASSWORD }, { caFile: certs.caFile }),
    );
    const yaml = 'name: tls\ndescription: x\ntopology: { kind: standalone }\nsteps:\n  - action: sleep\n    duration: 1s\n';
    const s = new RunState({ plan: planFromText(yaml, 'tls.yaml').plans[0] as DrillPlan });
    s.topology = t;
    try {
      watchWriteAcceptance(s, 50);
      await waitUntil('an accepts-writes event', async () => s.events.some((e) => e.kind === 'accepts-writes'), 5000);
      expect(s.events.filter((e) => e.source === 'topology').map((e) => [e.kind, e.node, e.detail])).toEqual([
        ['accepts-writes', 'primary', 'master'],
      ]);
    } finally {
      stopTimers(s);
      await t.stop();
    }
  });

  it('the status of the attached target reads the node over TLS as the ACL user', async () => {
    const t = await attachTarget(
      parseTargetUri(`rediss://${USER}@127.0.0.1:${node.port}`, { REDISCLI_AUTH: PASSWORD }, { caFile: certs.caFile }),
    );
    try {
      const s = await t.status();
      expect(s.primary).toBe('primary');
      expect(s.nodes).toHaveLength(1);
      expect(s.nodes[0]).toMatchObject({ up: true, role: 'master' });
    } finally {
      await t.stop();
    }
  });

  it('`topology status --target rediss://…` prints the node read over TLS as the ACL user; without the CA it refuses in one line', async () => {
    const target = `rediss://${USER}@127.0.0.1:${node.port}`;
    const env = { REDISCLI_AUTH: PASSWORD };
    const r = await stormdrill(['topology', 'status', '--target', target, '--tls-ca', certs.caFile, '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st.primary).toBe('primary');
    expect(st.nodes).toHaveLength(1);
    expect(st.nodes[0]).toMatchObject({ up: true, role: 'master', port: node.port });
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    const table = await stormdrill(['topology', 'status', '--target', target, '--tls-ca', certs.caFile], { env });
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^primary\\*\\s+${node.port}\\s.*\\smaster\\s`, 'm'));
    expectOneLine(
      await stormdrill(['topology', 'status', '--target', target, '--tls-ca', certs.otherCaFile], { env }),
      /certificate|self.signed/i,
    );
  });

  it('a TLS-only Sentinel in front of it (rediss-sentinel://): its settings are read and it is asked whether it agrees, over TLS', async () => {
    const port = await ports.take();
    const dir = tmpDir('tls-sentinel');
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        'port 0',
        `tls-port ${port}`,
        `tls-cert-file ${certs.certFile}`,
        `tls-key-file ${certs.keyFile}`,
        `tls-ca-cert-file ${certs.caFile}`,
        'tls-auth-clients no',
        'tls-replication yes',
        `dir ${dir}`,
        `sentinel monitor tlsm 127.0.0.1 ${node.port} 1`,
        `sentinel auth-user tlsm ${USER}`,
        `sentinel auth-pass tlsm ${PASSWORD}`,
        'sentinel down-after-milliseconds tlsm 4321',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const sentinel = spawnManaged({
      name: `tls-sentinel:${port}`,
      command: requireBinary('redis-sentinel'),
      args: [conf],
      cwd: dir,
      logFile: join(dir, 'sentinel.log'),
    });
    try {
      const tls = { caFile: certs.caFile };
      await waitUntil(
        'the TLS Sentinel to name its master',
        async () => {
          const r = await redisOnce(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'tlsm'], { tls, timeoutMs: 500 });
          return Array.isArray(r) && Number(String(r[1])) === node.port;
        },
        15_000,
        100,
      );
      const t = await attachTarget(parseTargetUri(`rediss-sentinel://127.0.0.1:${port}/tlsm`, { REDISCLI_AUTH: PASSWORD }, tls));
      try {
        expect(t.spec).toMatchObject({ kind: 'sentinel', masterName: 'tlsm', downAfterMs: 4321, quorum: 1 });
        await waitSentinelsAgree(t, t.node('primary'), 5000);
      } finally {
        await t.stop();
      }
    } finally {
      await sentinel.stop();
    }
  });

  it('a TLS-only Cluster (rediss-cluster://): wait-for cluster-ok asks its nodes over TLS', async () => {
    const masters: RedisNode[] = [];
    try {
      await startTlsCluster(masters, 'tls-cluster', {});
      const tls = { caFile: certs.caFile };
      const t = await attachTarget(parseTargetUri(`rediss-cluster://127.0.0.1:${masters[0]?.port}`, {}, tls));
      try {
        expect(t.nodes).toHaveLength(3);
        await waitClusterOk(t, 15_000);
      } finally {
        await t.stop();
      }
    } finally {
      for (const m of masters) await m.stop();
    }
  });

  it("a TLS-only Cluster: a partition drill's write-acceptance watch reads cluster_state over TLS (masters that see the cluster down refuse writes)", async () => {
    const masters: RedisNode[] = [];
    try {
      await startTlsCluster(masters, 'tls-cluster-watch', { 'cluster-node-timeout': 1000 });
      const t = await attachTarget(parseTargetUri(`rediss-cluster://127.0.0.1:${masters[0]?.port}`, {}, { caFile: certs.caFile }));
      const yaml = 'name: tls\ndescription: x\ntopology: { kind: cluster }\nsteps:\n  - action: sleep\n    duration: 1s\n';
      const s = new RunState({ plan: planFromText(yaml, 'tls.yaml').plans[0] as DrillPlan });
      s.topology = t;
      try {
        await waitClusterOk(t, 15_000);
        watchWriteAcceptance(s, 50);
        const events = (kind: string) => s.events.filter((e) => e.kind === kind);
        await waitUntil('every master to accept writes', async () => events('accepts-writes').length === 3, 5000);
        // a master gone: the other two see its slots uncovered after cluster-node-timeout, cluster_state fail
        await masters[2]?.stop();
        await waitUntil('the other masters to refuse writes', async () => events('refuses-writes').length === 2, 15_000);
        expect(events('refuses-writes').map((e) => e.detail)).toEqual(['master, cluster_state fail', 'master, cluster_state fail']);
      } finally {
        stopTimers(s);
        await t.stop();
      }
    } finally {
      for (const m of masters) await m.stop();
    }
  });

  it('fill, write, audit, verify and bench reach it as the ACL user', async () => {
    const tls = { caFile: certs.caFile };
    const connection = { uri: `rediss://${USER}:${PASSWORD}@127.0.0.1:${node.port}`, tls };
    const f = await runFill({ runId: `${namespace.runId}-tls`, keys: 2000, connection });
    expect(f).toMatchObject({ keys: 2000, errors: 0 });
    const ledgerPath = join(tmpDir('ledger'), 'ledger');
    const w = await runWrite({ runId: `${namespace.runId}-tlsw`, ledgerPath, maxWrites: 1000, connection });
    expect(w).toMatchObject({ acked: 1000, failed: 0, unknown: 0 });
    const a = await runAudit({ ledgerPath, connection });
    expect(a).toMatchObject({ ackedOk: 1000, ackedLost: 0, passed: true });
    const v = await runVerify({ source: connection, target: connection, match: `sd:${namespace.runId}-tls*`, rounds: 1 });
    expect(v.keysCompared).toBe(3000);
    expect(v.conflicts.total).toBe(0);
    const { outcome } = await bench([
      '--tls',
      '--cacert',
      certs.caFile,
      '-p',
      String(node.port),
      '--user',
      USER,
      '-a',
      PASSWORD,
      '-t',
      'set,get',
      '-n',
      '2000',
      '-r',
      '100',
      '--key-prefix',
      `sd:${namespace.runId}-b:`,
      '-q',
    ]);
    expect(outcome.runs.map((r) => [r.run.title, r.result.finished])).toEqual([
      ['SET', 2000],
      ['GET', 2000],
    ]);
  });
});
