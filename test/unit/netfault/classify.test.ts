import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../../lib/core/resp/encode.js';
import {
  chunkFate,
  classifyConnection,
  classifyPrefix,
  describeFault,
  faultApplies,
  parseCommands,
  schedule,
  scopeMatches,
  validateFault,
} from '../../../lib/netfault/classify.js';

const cmds = (...c: string[][]) => Buffer.concat(c.map((x) => encodeCommand(x)));

describe('connection classification from the first bytes', () => {
  it('parses RESP and inline commands, reporting a partial tail', () => {
    const b = cmds(['PING'], ['auth', 'pw']);
    expect(parseCommands(b)).toEqual({ commands: [['PING'], ['AUTH', 'pw']], partial: false });
    expect(parseCommands(b.subarray(0, b.length - 3)).partial).toBe(true);
    expect(parseCommands(Buffer.from('ping\r\nset a 1\r\n')).commands).toEqual([['PING'], ['SET', 'a', '1']]);
  });

  it('a replica reveals itself with REPLCONF after PING/AUTH; a sentinel by its client name', () => {
    expect(classifyPrefix(cmds(['PING']))).toBeNull();
    expect(classifyPrefix(cmds(['PING'], ['AUTH', 'x'], ['REPLCONF', 'listening-port', '7001']))).toBe('replication');
    expect(classifyPrefix(cmds(['PSYNC', '?', '-1']))).toBe('replication');
    expect(classifyPrefix(cmds(['AUTH', 'x'], ['CLIENT', 'SETNAME', 'sentinel-abc-cmd']))).toBe('sentinel');
    expect(classifyPrefix(cmds(['CLIENT', 'SETNAME', 'app']))).toBe('client');
    expect(classifyPrefix(cmds(['INFO', 'replication']))).toBe('client');
    expect(classifyPrefix(cmds(['SET', 'k', 'v']).subarray(0, 5))).toBeNull();
    expect(classifyPrefix(Buffer.alloc(5000, 0x41))).toBe('client');
  });

  it('a replica link carries the listening port it announces; a peer filter hits only that link', () => {
    const link = cmds(['PING'], ['REPLCONF', 'listening-port', '8002'], ['REPLCONF', 'capa', 'eof']);
    expect(classifyConnection(link)).toEqual({ cls: 'replication', replicaPort: 8002 });
    expect(classifyConnection(cmds(['PSYNC', '?', '-1']))).toEqual({ cls: 'replication' });
    const f = { kind: 'blackhole' as const, peerPort: 8002 };
    expect(faultApplies(f, { cls: 'replication', replicaPort: 8002 })).toBe(true);
    expect(faultApplies(f, { cls: 'replication', replicaPort: 8003 })).toBe(false);
    expect(faultApplies(f, { cls: 'client' })).toBe(false);
    expect(chunkFate(f, { cls: 'replication', replicaPort: 8002 }, 'down')).toEqual({ act: 'hold' });
    expect(describeFault(f)).toBe('blackhole(both, replica 8002)');
    expect(validateFault({ kind: 'reset', peerPort: 0 })[0]).toMatch(/peerPort/);
  });

  it('scopes: undecided connections are only hit by scope all', () => {
    expect(scopeMatches(undefined, 'unknown')).toBe(true);
    expect(scopeMatches('clients', 'unknown')).toBe(false);
    expect(scopeMatches('clients', 'client')).toBe(true);
    expect(scopeMatches('replication', 'client')).toBe(false);
    expect(scopeMatches('sentinels', 'sentinel')).toBe(true);
  });
});

describe('chunk fate and scheduling', () => {
  it('blackhole holds (or drops) in the chosen direction only', () => {
    expect(chunkFate({ kind: 'blackhole', direction: 'up' }, { cls: 'client' }, 'up')).toEqual({ act: 'hold' });
    expect(chunkFate({ kind: 'blackhole', direction: 'up' }, { cls: 'client' }, 'down')).toEqual({ act: 'pass' });
    expect(chunkFate({ kind: 'blackhole', drop: true }, { cls: 'client' }, 'down')).toEqual({ act: 'drop' });
    expect(chunkFate({ kind: 'blackhole', scope: 'replication' }, { cls: 'client' }, 'up')).toEqual({ act: 'pass' });
    expect(chunkFate(null, { cls: 'client' }, 'up')).toEqual({ act: 'pass' });
  });

  it('latency with jitter stays within ms ± jitter', () => {
    expect(chunkFate({ kind: 'latency', ms: 100, jitterMs: 20 }, { cls: 'client' }, 'up', () => 0)).toEqual({ act: 'delay', ms: 80 });
    expect(chunkFate({ kind: 'latency', ms: 100, jitterMs: 20 }, { cls: 'client' }, 'up', () => 1)).toEqual({ act: 'delay', ms: 120 });
  });

  it('keeps order: a chunk is never due before the previous one', () => {
    expect(schedule(10, { act: 'delay', ms: 5 }, 1000, 1100)).toEqual([{ offset: 0, length: 10, dueAt: 1100 }]);
    expect(schedule(10, { act: 'delay', ms: 50 }, 1000, 0)).toEqual([{ offset: 0, length: 10, dueAt: 1050 }]);
  });

  it('bandwidth cuts a chunk into 1/20 s pieces spread at the given rate', () => {
    const pieces = schedule(1000, { act: 'throttle', bytesPerSec: 2000 }, 0, 0);
    expect(pieces).toHaveLength(10);
    expect(pieces.reduce((a, p) => a + p.length, 0)).toBe(1000);
    expect(pieces.at(-1)?.dueAt).toBeCloseTo(500, 6);
  });
});

describe('fault descriptions and validation', () => {
  it('describes faults in one short phrase', () => {
    expect(describeFault({ kind: 'latency', ms: 200, jitterMs: 10, scope: 'clients' })).toBe('latency(200ms±10, both, clients)');
    expect(describeFault({ kind: 'reset' })).toBe('reset(all)');
    expect(describeFault(null)).toBe('none');
  });

  it('lists every problem', () => {
    expect(validateFault({ kind: 'latency', ms: 10 })).toEqual([]);
    expect(validateFault({ kind: 'nuke' })[0]).toMatch(/unknown network fault 'nuke'/);
    const p = validateFault({ kind: 'bandwidth', direction: 'sideways', scope: 'everyone', bytesPerSec: 0 });
    expect(p).toHaveLength(3);
    expect(validateFault({ kind: 'reset', direction: 'up' })).toEqual(['a reset has no direction: remove it']);
    expect(validateFault({ kind: 'latency', drop: true, ms: 1 })[0]).toMatch(/drop/);
  });
});
