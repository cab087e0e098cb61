import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import type { TopologySpecInput } from '../../topology/types.js';
import { defineCommand } from '../command.js';
import { addTlsOptions, type TlsFlags, tlsFromFlags } from '../connection-flags.js';
import { durationFlag } from '../flags.js';

/** The `up` flags whose topology option has another name; every other flag is the option of its name. */
const SPEC_NAMES: Record<string, keyof TopologySpecInput> = {
  downAfter: 'downAfterMs',
  failoverTimeout: 'failoverTimeoutMs',
  checkInterval: 'checkIntervalMs',
  nodeTimeout: 'nodeTimeoutMs',
  policy: 'maxmemoryPolicy',
  minReplicasMaxLag: 'minReplicasMaxLagS',
  addresses: 'addressBlock',
};

const int = (v: string) => {
  const n = Number(v);
  return Number.isInteger(n) ? n : Number.NaN;
};

function nameOf(kind: string | undefined, name: string | undefined): string {
  return name ?? kind ?? 'default';
}

export default defineCommand({
  name: 'topology',
  order: 30,
  register(program: Command) {
    const topo = program
      .command('topology')
      .description('start, inspect and stop local Redis topologies (standalone, replicas, sentinel, haproxy, cluster) on loopback');

    topo
      .command('up')
      .argument('<kind>', 'standalone | replicas | sentinel | haproxy | cluster')
      .description(
        'start a topology and keep it running in the foreground (Ctrl-C stops everything); password from STORMDRILL_REDIS_PASSWORD',
      )
      .option('--name <name>', 'name for status/down in another shell (default: the kind)')
      .option('--replicas <n>', 'replicas of the primary (1..4)', int)
      .option('--sentinels <n>', 'sentinel processes (default 3)', int)
      .option('--quorum <n>', 'sentinel quorum (default: majority)', int)
      .option(
        '--down-after <d>',
        'sentinel down-after-milliseconds, e.g. 1s or 500ms (default 1s)',
        durationFlag('--down-after', { unit: 'ms', bare: 'refuse', example: '1s' }),
      )
      .option(
        '--failover-timeout <d>',
        'sentinel failover-timeout, e.g. 10s (default 10s)',
        durationFlag('--failover-timeout', { unit: 'ms', bare: 'refuse', example: '10s' }),
      )
      .option('--parallel-syncs <n>', 'sentinel parallel-syncs (default 1)', int)
      .option('--master-name <name>', 'sentinel master name (default sdmaster)')
      .option(
        '--check-interval <d>',
        'HAProxy tcp-check interval, e.g. 1s or 200ms (default 1s)',
        durationFlag('--check-interval', { unit: 'ms', bare: 'refuse', example: '1s' }),
      )
      .option('--masters <n>', 'cluster masters (default 3)', int)
      .option('--replicas-per-master <n>', 'cluster replicas per master (default 1)', int)
      .option(
        '--node-timeout <d>',
        'cluster-node-timeout, e.g. 2s (default 2s)',
        durationFlag('--node-timeout', { unit: 'ms', bare: 'refuse', example: '2s' }),
      )
      .option('--maxmemory <size>', 'maxmemory, e.g. 64mb')
      .option('--policy <policy>', 'maxmemory-policy, e.g. noeviction, allkeys-lru')
      .option('--aof', 'appendonly yes, appendfsync everysec')
      .option('--repl-backlog-size <size>', 'repl-backlog-size, e.g. 1mb')
      .option('--min-replicas-to-write <n>', 'min-replicas-to-write', int)
      .option(
        '--min-replicas-max-lag <d>',
        'min-replicas-max-lag, whole seconds, e.g. 10 or 10s (default 10)',
        durationFlag('--min-replicas-max-lag', { unit: 's', example: '10s' }),
      )
      .option('--acl-user <name>', 'an ACL user (password from STORMDRILL_REDIS_PASSWORD) for clients')
      .option('--no-fault-proxies', 'no TCP fault proxy in front of the nodes')
      .option('--replication-via <how>', "'proxy' (network faults cut replication too; default) or 'direct'")
      .option(
        '--addresses <block>',
        'give every node and Sentinel its own loopback address from this /24, e.g. 127.0.9.0/24 (with --no-fault-proxies), so partitions can be cut by address as between machines',
      )
      .option(
        '--max-time <d>',
        'stop by itself after this long, e.g. 3600 (seconds) or 1h (default 4h)',
        durationFlag('--max-time', { unit: 's', example: '1h' }),
        4 * 3600,
      )
      .action(async (kind: string, { name, maxTime, ...flags }: { name?: string; maxTime: number }) => {
        const { topologyUp, PASSWORD_ENV } = await import('../topology/ops.js');
        if (maxTime < 1) throw new UserError('--max-time must be at least 1s, e.g. --max-time 1h');
        const options = Object.fromEntries(Object.entries(flags).map(([flag, v]) => [SPEC_NAMES[flag] ?? flag, v]));
        const password = process.env[PASSWORD_ENV] || undefined;
        await topologyUp({ ...options, kind, password } as TopologySpecInput, {
          name: nameOf(kind, name),
          maxMs: maxTime * 1000,
          log: (l) => console.log(l),
        });
      });

    const status = topo
      .command('status')
      .argument('[kind]', 'the kind given to `up` (or use --name)')
      .description(
        'print roles, offsets, link states, sync_full/sync_partial_ok and memory % of a running topology (one `up` started, or any --target)',
      )
      .option('--name <name>', 'the --name given to `up`')
      .option(
        '--target <uri>',
        'a deployment stormdrill did not start: redis://host:port, rediss:// for TLS, redis-sentinel://host:port[,...]/master or redis-cluster://host:port[,...] (password from the URI or REDISCLI_AUTH)',
      );
    addTlsOptions(status, 'the --target')
      .option('--json', 'print JSON')
      .action(async (kind: string | undefined, f: TlsFlags & { name?: string; target?: string; json?: boolean }) => {
        const { topologyStatus, targetStatus, formatStatus, PASSWORD_ENV } = await import('../topology/ops.js');
        if (f.target !== undefined && (kind !== undefined || f.name !== undefined))
          throw new UserError('topology status takes a kind/--name (a topology `up` started) or --target, not both');
        const st =
          f.target !== undefined
            ? await targetStatus(f.target, tlsFromFlags(f))
            : await topologyStatus(nameOf(kind, f.name), { password: process.env[PASSWORD_ENV] || undefined });
        console.log(f.json ? JSON.stringify(st, null, 2) : formatStatus(st));
      });

    topo
      .command('down')
      .argument('[kind]', 'the kind given to `up` (or use --name)')
      .description('stop a topology started by `up` in another shell (by the pids in its state file)')
      .option('--name <name>', 'the --name given to `up`')
      .action(async (kind: string | undefined, f: { name?: string }) => {
        const { topologyDown } = await import('../topology/ops.js');
        const r = await topologyDown(nameOf(kind, f.name));
        console.log(`stopped topology '${r.name}' (${r.stopped.length} process(es)${r.graceful ? '' : ', killed by pid'})`);
      });
  },
});
