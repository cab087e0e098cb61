import type { Command } from 'commander';
import { defineCommand } from '../command.js';

interface UpFlags {
  name?: string;
  replicas?: number;
  sentinels?: number;
  quorum?: number;
  downAfter?: number;
  failoverTimeout?: number;
  parallelSyncs?: number;
  masterName?: string;
  checkInterval?: number;
  masters?: number;
  replicasPerMaster?: number;
  nodeTimeout?: number;
  maxmemory?: string;
  policy?: string;
  aof?: boolean;
  replBacklogSize?: string;
  minReplicasToWrite?: number;
  minReplicasMaxLag?: number;
  aclUser?: string;
  faultProxies: boolean;
  replicationVia?: 'proxy' | 'direct';
  maxTime: number;
}

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
      .option('--down-after <ms>', 'sentinel down-after-milliseconds (default 1000)', int)
      .option('--failover-timeout <ms>', 'sentinel failover-timeout (default 10000)', int)
      .option('--parallel-syncs <n>', 'sentinel parallel-syncs (default 1)', int)
      .option('--master-name <name>', 'sentinel master name (default sdmaster)')
      .option('--check-interval <ms>', 'HAProxy tcp-check interval (default 1000)', int)
      .option('--masters <n>', 'cluster masters (default 3)', int)
      .option('--replicas-per-master <n>', 'cluster replicas per master (default 1)', int)
      .option('--node-timeout <ms>', 'cluster-node-timeout (default 2000)', int)
      .option('--maxmemory <size>', 'maxmemory, e.g. 64mb')
      .option('--policy <policy>', 'maxmemory-policy, e.g. noeviction, allkeys-lru')
      .option('--aof', 'appendonly yes, appendfsync everysec')
      .option('--repl-backlog-size <size>', 'repl-backlog-size, e.g. 1mb')
      .option('--min-replicas-to-write <n>', 'min-replicas-to-write', int)
      .option('--min-replicas-max-lag <s>', 'min-replicas-max-lag in seconds (default 10)', int)
      .option('--acl-user <name>', 'an ACL user (password from STORMDRILL_REDIS_PASSWORD) for clients')
      .option('--no-fault-proxies', 'no TCP fault proxy in front of the nodes')
      .option('--replication-via <how>', "'proxy' (network faults cut replication too; default) or 'direct'")
      .option('--max-time <s>', 'stop by itself after this many seconds', int, 4 * 3600)
      .action(async (kind: string, f: UpFlags) => {
        const { topologyUp, PASSWORD_ENV } = await import('../topology/ops.js');
        const { UserError } = await import('../../core/errors.js');
        if (!Number.isInteger(f.maxTime) || f.maxTime < 1)
          throw new UserError('--max-time must be a positive number of seconds, e.g. --max-time 3600');
        const password = process.env[PASSWORD_ENV] || undefined;
        await topologyUp(
          {
            kind: kind as 'standalone',
            replicas: f.replicas,
            sentinels: f.sentinels,
            quorum: f.quorum,
            downAfterMs: f.downAfter,
            failoverTimeoutMs: f.failoverTimeout,
            parallelSyncs: f.parallelSyncs,
            masterName: f.masterName,
            checkIntervalMs: f.checkInterval,
            masters: f.masters,
            replicasPerMaster: f.replicasPerMaster,
            nodeTimeoutMs: f.nodeTimeout,
            maxmemory: f.maxmemory,
            maxmemoryPolicy: f.policy,
            aof: f.aof,
            replBacklogSize: f.replBacklogSize,
            minReplicasToWrite: f.minReplicasToWrite,
            minReplicasMaxLagS: f.minReplicasMaxLag,
            aclUser: f.aclUser,
            password,
            faultProxies: f.faultProxies,
            replicationVia: f.replicationVia,
          },
          { name: nameOf(kind, f.name), maxMs: f.maxTime * 1000, log: (l) => console.log(l) },
        );
      });

    topo
      .command('status')
      .argument('[kind]', 'the kind given to `up` (or use --name)')
      .description('print roles, offsets, link states, sync_full/sync_partial_ok and memory % of a running topology')
      .option('--name <name>', 'the --name given to `up`')
      .option('--json', 'print JSON')
      .action(async (kind: string | undefined, f: { name?: string; json?: boolean }) => {
        const { topologyStatus, formatStatus, PASSWORD_ENV } = await import('../topology/ops.js');
        const st = await topologyStatus(nameOf(kind, f.name), { password: process.env[PASSWORD_ENV] || undefined });
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
