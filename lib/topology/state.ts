/**
 * The state file of a running `stormdrill topology up`: where its parts listen and their
 * pids (never the password), so `status` and `down` in another shell can find them; and
 * attachTopology(), a Topology view of those nodes for status and read-only use.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { procStatFields } from '../core/proc-stat.js';
import { resolveSpec } from './options.js';
import { collectStatus, findPrimary } from './status.js';
import type { Topology, TopologyEndpoint, TopologyKind, TopologySpec, TopologyStatus, TopoNode } from './types.js';

export interface TopologyState {
  version: 1;
  name: string;
  kind: TopologyKind;
  /** The spec without the password. */
  spec: Omit<TopologySpec, 'password'> & { passwordSet: boolean };
  startedAt: string;
  /** pid of the `topology up` process that owns everything. */
  upPid: number;
  dir: string;
  endpoint: TopologyEndpoint;
  nodes: Array<Pick<TopoNode, 'name' | 'role' | 'host' | 'port' | 'proxyPort' | 'busPort'> & { pid: number | null }>;
  sentinels: Array<{ name: string; host: string; port: number; pid: number | null }>;
  haproxy?: { host: string; port: number; pid: number | null };
}

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,47}$/;

/** Default state directory (a temp dir; override with STORMDRILL_STATE_DIR). */
export function stateDir(): string {
  return process.env.STORMDRILL_STATE_DIR ?? join(tmpdir(), 'stormdrill-topologies');
}

export function stateFilePath(name: string, dir = stateDir()): string {
  if (!NAME_RE.test(name)) throw new UserError(`topology name '${name}' is invalid: use lower-case letters, digits and dashes`);
  return join(dir, `${name}.json`);
}

/** The state of a running topology. Pure apart from reading `t`. */
export function topologyState(t: Topology, name: string, upPid = process.pid): TopologyState {
  const { password, ...rest } = t.spec;
  return {
    version: 1,
    name,
    kind: t.kind,
    spec: { ...rest, passwordSet: password !== undefined },
    startedAt: new Date().toISOString(),
    upPid,
    dir: t.dir,
    endpoint: t.endpoint,
    nodes: t.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      host: n.host,
      port: n.port,
      proxyPort: n.proxyPort,
      busPort: n.busPort,
      pid: n.process?.pid ?? null,
    })),
    sentinels: t.sentinels.map((s) => ({ name: s.name, host: s.host, port: s.port, pid: s.process?.pid ?? null })),
    haproxy: t.haproxy ? { host: t.haproxy.host, port: t.haproxy.port, pid: t.haproxy.process?.pid ?? null } : undefined,
  };
}

/** Write atomically (tmp + rename), mode 0600. */
export function writeStateFile(path: string, s: TopologyState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function readStateFile(path: string): TopologyState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`no running topology found (${path} does not exist): start one with \`stormdrill topology up <kind>\``);
  }
  const s = JSON.parse(text) as TopologyState;
  if (s.version !== 1 || !Array.isArray(s.nodes)) throw new UserError(`${path} is not a stormdrill topology state file: remove it`);
  return s;
}

export function removeStateFile(path: string): void {
  rmSync(path, { force: true });
}

/** 'running' | 'frozen' | 'exited' for a pid (from /proc; 'exited' when gone or a zombie). */
export function pidState(pid: number | null): 'running' | 'frozen' | 'exited' {
  const st = pid === null ? undefined : procStatFields(pid)?.[0];
  if (st === undefined || st === 'Z' || st === 'X') return 'exited';
  if (st === 'T' || st === 't') return 'frozen';
  return 'running';
}

/** True when the pid runs a program of ours (guards against a recycled pid). */
export function pidIsOurs(pid: number): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /redis-server|redis-sentinel|haproxy|node|stormdrill/.test(cmd);
  } catch {
    return false;
  }
}

/** A Topology view of a state file's nodes (no processes of ours: read-only use, status). */
export function attachTopology(s: TopologyState, auth: { password?: string; username?: string } = {}): Topology {
  const { passwordSet: _p, ...specRest } = s.spec;
  const spec = resolveSpec({ ...(specRest as object), kind: s.kind, password: auth.password } as Parameters<typeof resolveSpec>[0]);
  const nodes: TopoNode[] = s.nodes.map(({ pid: _pid, ...n }) => ({ ...n, dir: '', process: null, proxy: null, owned: false }));
  const t: Topology = {
    kind: s.kind,
    spec,
    nodes,
    sentinels: s.sentinels.map((x) => ({ name: x.name, host: x.host, port: x.port, dir: '', process: null, owned: false })),
    haproxy: s.haproxy ? { host: s.haproxy.host, port: s.haproxy.port, configFile: '', process: null, owned: false } : undefined,
    endpoint: s.endpoint,
    password: auth.password,
    username: auth.username,
    dir: s.dir,
    events: new EventEmitter(),
    emit(e) {
      t.events.emit('event', { ...e, atMs: e.atMs ?? Date.now() });
    },
    node(name) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new UserError(`no node '${name}': use one of ${nodes.map((x) => x.name).join(', ')}`);
      return n;
    },
    nodeByAddress(host: string, port: number) {
      const h = host === 'localhost' ? '127.0.0.1' : host;
      return nodes.find((n) => n.host === h && (n.port === port || n.proxyPort === port));
    },
    currentPrimary: () => findPrimary(t),
    status: async (): Promise<TopologyStatus> => {
      const st = await collectStatus(t);
      for (const ns of st.nodes) {
        const pid = s.nodes.find((n) => n.name === ns.name)?.pid ?? null;
        ns.process = pidState(pid);
      }
      return st;
    },
    addReplica: () => Promise.reject(new UserError('scale out needs the `topology up` process: it cannot be done from another shell')),
    removeReplica: () => Promise.reject(new UserError('scale in needs the `topology up` process: it cannot be done from another shell')),
    stop: async () => {},
  };
  return t;
}

/** Every pid a state file lists (nodes, sentinels, HAProxy), without the `up` process. */
export function statePids(s: TopologyState): number[] {
  return [...s.nodes.map((n) => n.pid), ...s.sentinels.map((x) => x.pid), s.haproxy?.pid ?? null].filter(
    (p): p is number => typeof p === 'number',
  );
}
