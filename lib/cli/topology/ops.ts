/** What `stormdrill topology up|down|status` do (the command file only maps flags). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '../../core/errors.js';
import { registerCleanup } from '../../core/lifecycle.js';
import type { TlsSettings } from '../../redis/index.js';
import { PortAllocator } from '../../stack/ports.js';
import { makeWorkDir } from '../../stack/workdir.js';
import { attachTarget, parseTargetUri } from '../../topology/attach.js';
import { resolveSpec } from '../../topology/options.js';
import { startTopology } from '../../topology/start.js';
import {
  attachTopology,
  pidIsOurs,
  pidState,
  readStateFile,
  removeStateFile,
  stateFilePath,
  statePids,
  topologyState,
  writeStateFile,
} from '../../topology/state.js';
import { formatStatus } from '../../topology/status.js';
import type { Topology, TopologySpecInput, TopologyStatus } from '../../topology/types.js';

export const PASSWORD_ENV = 'STORMDRILL_REDIS_PASSWORD';

/** Human lines describing how to reach a topology. Pure. */
export function describeEndpoints(
  t: Pick<Topology, 'kind' | 'endpoint' | 'nodes' | 'sentinels' | 'haproxy' | 'password' | 'username'>,
): string[] {
  const lines: string[] = [];
  const e = t.endpoint;
  if (e.kind === 'direct') lines.push(`clients connect to: redis://${t.username ? `${t.username}@` : ''}${e.host}:${e.port}`);
  if (e.kind === 'sentinel')
    lines.push(
      `clients connect via Sentinel: master '${e.masterName}', sentinels ${e.sentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`,
    );
  if (e.kind === 'cluster') lines.push(`cluster seeds: ${e.seeds.map((s) => `${s.host}:${s.port}`).join(', ')}`);
  for (const n of t.nodes)
    lines.push(
      `  ${n.name.padEnd(12)} ${n.role.padEnd(8)} ${n.host}:${n.proxyPort}${n.proxyPort !== n.port ? ` (fault proxy → real port ${n.port})` : ''}`,
    );
  for (const s of t.sentinels) lines.push(`  ${s.name.padEnd(12)} sentinel ${s.host}:${s.port}`);
  if (t.haproxy) lines.push(`  ${'haproxy'.padEnd(12)} haproxy  ${t.haproxy.host}:${t.haproxy.port}`);
  if (t.password) lines.push(`  password: from ${PASSWORD_ENV} (not printed)`);
  return lines;
}

export interface UpOptions {
  name: string;
  /** Stop by itself after this long (default 4 h). */
  maxMs: number;
  log: (line: string) => void;
  stateDir?: string;
  /** Abort to stop early (tests); Ctrl-C goes through the CLI's signal handlers. */
  signal?: AbortSignal;
  /** Called once the topology is up and the state file written. */
  onUp?: (t: Topology, stateFile: string) => void;
}

/** Start a topology, write its state file, keep it running until Ctrl-C / maxMs / signal, stop it. */
export async function topologyUp(input: TopologySpecInput, o: UpOptions): Promise<void> {
  resolveSpec(input); // every problem with the options, before anything starts
  const file = stateFilePath(o.name, o.stateDir);
  if (existsSync(file)) {
    const old = readStateFile(file);
    if (pidState(old.upPid) !== 'exited' && pidIsOurs(old.upPid))
      throw new UserError(
        `a topology named '${o.name}' is already up (pid ${old.upPid}): stop it with \`stormdrill topology down --name ${o.name}\` or use another --name`,
      );
    removeStateFile(file);
  }
  const work = makeWorkDir(`topology-${o.name}`);
  const removeFiles = registerCleanup(`remove topology '${o.name}' state`, () => {
    removeStateFile(file);
    work.remove();
  });
  let t: Topology | null = null;
  try {
    o.log(`starting a ${input.kind} topology in ${work.path} ...`);
    t = await startTopology(input, { ports: new PortAllocator(), dir: join(work.path, 'nodes') });
    writeStateFile(file, topologyState(t, o.name));
    for (const l of describeEndpoints(t)) o.log(l);
    o.log(`state file: ${file}`);
    o.log(
      `running; Ctrl-C (or \`stormdrill topology down --name ${o.name}\`) stops everything; stops by itself after ${Math.round(o.maxMs / 1000)} s`,
    );
    o.onUp?.(t, file);
    await delay(o.maxMs, undefined, { signal: o.signal }).catch(() => undefined);
    o.log('stopping ...');
  } finally {
    await t?.stop();
    removeFiles();
    removeStateFile(file);
    work.remove();
  }
}

export interface DownResult {
  name: string;
  stopped: number[];
  /** The `up` process stopped its own parts (true) or we had to kill them by pid (false). */
  graceful: boolean;
}

async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (pids.every((p) => pidState(p) === 'exited')) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pids.every((p) => pidState(p) === 'exited');
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Stop a topology started by `topology up` in another shell, by the pids in its state file. */
export async function topologyDown(name: string, stateDir?: string): Promise<DownResult> {
  const file = stateFilePath(name, stateDir);
  const s = readStateFile(file);
  const pids = statePids(s).filter((p) => pidState(p) !== 'exited' && pidIsOurs(p));
  let graceful = false;
  if (pidState(s.upPid) !== 'exited' && pidIsOurs(s.upPid)) {
    signalPid(s.upPid, 'SIGTERM');
    graceful = await waitGone([s.upPid, ...pids], 15_000);
  }
  if (!graceful) {
    for (const p of pids) {
      if (pidState(p) === 'exited') continue;
      signalPid(p, 'SIGCONT');
      signalPid(p, 'SIGTERM');
    }
    if (!(await waitGone(pids, 5000))) for (const p of pids) if (pidState(p) !== 'exited') signalPid(p, 'SIGKILL');
    await waitGone(pids, 2000);
  }
  removeStateFile(file);
  return { name, stopped: pids, graceful };
}

/** Status of a topology started by `topology up` (possibly in another shell). */
export async function topologyStatus(name: string, o: { stateDir?: string; password?: string } = {}): Promise<TopologyStatus> {
  const s = readStateFile(stateFilePath(name, o.stateDir));
  if (pidState(s.upPid) === 'exited')
    throw new UserError(
      `the topology '${name}' is not running (its process ${s.upPid} is gone): remove ${stateFilePath(name, o.stateDir)} or start it again`,
    );
  if (s.spec.passwordSet && !o.password) throw new UserError(`the topology '${name}' needs a password: set ${PASSWORD_ENV}`);
  return attachTopology(s, { password: o.password, username: s.spec.aclUser }).status();
}

/** Status of a deployment stormdrill did not start (--target), read over TLS/ACL as the URI says; nothing is changed. */
export async function targetStatus(uri: string, tls?: TlsSettings): Promise<TopologyStatus> {
  const t = await attachTarget(parseTargetUri(uri, process.env, tls));
  try {
    return await t.status();
  } finally {
    await t.stop();
  }
}

export { formatStatus };
