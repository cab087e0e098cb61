import { describe, expect, it } from 'vitest';
import { describeEndpoints } from '../../../lib/cli/topology/ops.js';
import { messageAddress, parsePubSubMessage, parseSwitchMaster } from '../../../lib/redis/index.js';
import { haproxyConfig } from '../../../lib/topology/haproxy.js';
import { formatStatus, nodeStatusFromInfo } from '../../../lib/topology/status.js';
import type { TopologyStatus } from '../../../lib/topology/types.js';

describe('HAProxy config', () => {
  it('has the master-finding tcp-check and one checked server per node', () => {
    const cfg = haproxyConfig({
      host: '127.0.0.1',
      port: 7000,
      password: 'p#w',
      checkIntervalMs: 1000,
      servers: [
        { name: 'primary', host: '127.0.0.1', port: 7001 },
        { name: 'replica-1', host: '127.0.0.1', port: 7002 },
      ],
    });
    const checks = cfg.split('\n').filter((l) => l.includes('tcp-check'));
    expect(checks.map((l) => l.trim())).toEqual([
      'option tcp-check',
      'tcp-check connect',
      'tcp-check send AUTH\\ p\\#w\\r\\n',
      'tcp-check expect string +OK',
      'tcp-check send PING\\r\\n',
      'tcp-check expect string +PONG',
      'tcp-check send info\\ replication\\r\\n',
      'tcp-check expect string role:master',
      'tcp-check send QUIT\\r\\n',
      'tcp-check expect string +OK',
    ]);
    expect(cfg).toContain('bind 127.0.0.1:7000');
    expect(cfg).toContain('server replica-1 127.0.0.1:7002 check inter 1000ms');
    expect(haproxyConfig({ host: '127.0.0.1', port: 1, checkIntervalMs: 500, servers: [] })).not.toContain('AUTH');
  });
});

describe('Sentinel messages', () => {
  it('parses pmessages and the address they name', () => {
    expect(parsePubSubMessage(['pmessage', '*', '+sdown', 'master sdmaster 127.0.0.1 7001'])).toEqual({
      channel: '+sdown',
      message: 'master sdmaster 127.0.0.1 7001',
    });
    expect(parsePubSubMessage(['psubscribe', '*', 1])).toBeNull();
    expect(messageAddress('+switch-master', 'sdmaster 127.0.0.1 7001 127.0.0.1 7002')).toEqual({ host: '127.0.0.1', port: 7002 });
    expect(messageAddress('+sdown', 'slave 127.0.0.1:7002 127.0.0.1 7002 @ sdmaster 127.0.0.1 7001')).toEqual({
      host: '127.0.0.1',
      port: 7002,
    });
    expect(messageAddress('+new-epoch', '3')).toBeNull();
  });

  it('parses a subscribed +switch-master message into the master name and both addresses', () => {
    expect(parsePubSubMessage(['message', '+switch-master', 'sdmaster 127.0.0.1 7001 127.0.0.1 7002'])).toEqual({
      channel: '+switch-master',
      message: 'sdmaster 127.0.0.1 7001 127.0.0.1 7002',
    });
    expect(parseSwitchMaster('sdmaster 127.0.0.1 7001 ::1 7002')).toEqual({
      masterName: 'sdmaster',
      from: { host: '127.0.0.1', port: 7001 },
      to: { host: '::1', port: 7002 },
    });
    expect(parseSwitchMaster('sdmaster 127.0.0.1 x')).toBeNull();
  });
});

describe('status', () => {
  const base = { name: 'replica-1', host: '127.0.0.1', port: 7002, proxyPort: 8002, process: 'running' as const };
  it('reads roles, offsets, sync counters and memory % from INFO', () => {
    const s = nodeStatusFromInfo(base, {
      role: 'slave',
      master_host: '127.0.0.1',
      master_port: '8001',
      master_link_status: 'up',
      slave_repl_offset: '1234',
      sync_full: '0',
      sync_partial_ok: '1',
      used_memory: '5000000',
      maxmemory: '10000000',
      db0: 'keys=42,expires=0,avg_ttl=0',
      loading: '0',
    });
    expect(s).toMatchObject({
      role: 'replica',
      masterAddr: '127.0.0.1:8001',
      masterLinkStatus: 'up',
      offset: 1234,
      syncPartialOk: 1,
      memoryPct: 50,
      keys: 42,
      loading: false,
    });
    expect(nodeStatusFromInfo(base, { role: 'master', used_memory: '1', maxmemory: '0' }).memoryPct).toBeNull();
  });

  it('formats a table with the primary marked', () => {
    const st: TopologyStatus = {
      kind: 'replicas',
      atMs: 0,
      primary: 'primary',
      nodes: [
        {
          ...base,
          name: 'primary',
          up: true,
          role: 'master',
          offset: 10,
          syncFull: 1,
          syncPartialOk: 0,
          usedMemory: 2048,
          memoryPct: null,
          keys: 3,
        },
        { ...base, up: false, role: 'unknown', process: 'frozen', fault: 'blackhole(both)' },
      ],
      sentinels: [],
    };
    const out = formatStatus(st);
    expect(out).toMatch(/^replicas topology, primary: primary/);
    expect(out).toMatch(/primary\*\s+7002\s+8002\s+running\s+master/);
    expect(out).toMatch(/replica-1\s+7002\s+8002\s+frozen\s+down.*blackhole\(both\)/);
  });

  it('describes endpoints without the password', () => {
    const lines = describeEndpoints({
      kind: 'haproxy',
      endpoint: { kind: 'direct', host: '127.0.0.1', port: 9000 },
      nodes: [],
      sentinels: [{ name: 'sentinel-1', host: '127.0.0.1', port: 9100, dir: '', process: null, owned: true }],
      password: 'secret-x',
    });
    expect(lines.join('\n')).toContain('redis://127.0.0.1:9000');
    expect(lines.join('\n')).not.toContain('secret-x');
  });
});
