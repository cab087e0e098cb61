/**
 * Partitions by address without I/O: the nftables script of a set of cuts, the run's table
 * name, which addresses can be cut, and which sides can be cut by address at all.
 */
import { describe, expect, it } from 'vitest';
import { addressPartitionProblems, clientAddress, partitionsByAddress } from '../../../lib/faults/partition.js';
import { addressCutRuleset, addressCutTable, isCuttableAddress, parseCutOwner } from '../../../lib/netfault/address-cut.js';
import type { TopoNode } from '../../../lib/topology/types.js';

describe('addressCutRuleset', () => {
  const script = addressCutRuleset('stormdrill_r1', [{ a: ['127.0.9.2', '127.0.9.254'], b: ['127.0.9.3', '127.0.9.4', '127.0.9.3'] }]);

  it('drops every packet between the two sets, both ways, in an input chain of the run table', () => {
    const rules = script.split('\n').filter((l) => l.includes(' drop'));
    expect(rules.map((l) => l.trim())).toEqual([
      'ip saddr { 127.0.9.2, 127.0.9.254 } ip daddr { 127.0.9.3, 127.0.9.4 } drop',
      'ip saddr { 127.0.9.3, 127.0.9.4 } ip daddr { 127.0.9.2, 127.0.9.254 } drop',
    ]);
    expect(script).toContain('type filter hook input priority -10; policy accept;');
  });

  it('replaces the table whole in one transaction (a second cut does not add to the first)', () => {
    const lines = script.split('\n');
    expect(lines.slice(0, 3)).toEqual(['add table inet stormdrill_r1', 'delete table inet stormdrill_r1', 'table inet stormdrill_r1 {']);
  });

  it('refuses any address that is not loopback IPv4', () => {
    expect(() => addressCutRuleset('t', [{ a: ['10.0.0.1'], b: ['127.0.0.2'] }])).toThrow(/10\.0\.0\.1/);
    expect(() => addressCutRuleset('t', [{ a: ['::1'], b: ['127.0.0.2'] }])).toThrow(/::1/);
  });

  it('a side without addresses cuts nothing', () => {
    expect(addressCutRuleset('t', [{ a: [], b: ['127.0.0.2'] }])).not.toContain(' drop');
  });

  it('names its owner process in the table comment, which parseCutOwner reads back from a listing', () => {
    const owned = addressCutRuleset('stormdrill_r1', [], { pid: 4242, start: '987654' });
    expect(owned.split('\n')[3]).toBe('  comment "stormdrill pid 4242 start 987654"');
    const listing = 'table inet stormdrill_r1 {\n\tcomment "stormdrill pid 4242 start 987654"\n\tchain cut {\n\t}\n}';
    expect(parseCutOwner(listing)).toEqual({ pid: 4242, start: '987654' });
    expect(parseCutOwner('table inet stormdrill_r1 {\n}')).toBeNull();
    expect(addressCutRuleset('stormdrill_r1', [])).not.toContain('comment');
  });
});

describe('addressCutTable and isCuttableAddress', () => {
  it('names the table after the run in the characters nft allows', () => {
    expect(addressCutTable('t-local-w3-AB12')).toBe('stormdrill_t_local_w3_ab12');
    expect(addressCutTable('x'.repeat(100)).length).toBe(63);
  });

  it('cuts 127.0.0.0/8 only', () => {
    expect(isCuttableAddress('127.0.9.2')).toBe(true);
    expect(isCuttableAddress('127.1.2.254')).toBe(true);
    expect(isCuttableAddress('127.0.0.256')).toBe(false);
    expect(isCuttableAddress('192.168.1.2')).toBe(false);
    expect(isCuttableAddress('localhost')).toBe(false);
    expect(isCuttableAddress('::1')).toBe(false);
  });
});

const node = (name: string, host: string, proxy: boolean): TopoNode =>
  ({ name, host, port: 1, proxyPort: 1, role: 'master', owned: false, process: null, proxy: proxy ? {} : null }) as unknown as TopoNode;

describe('which partitions cut by address, and the clients address', () => {
  it('a Sentinel group or Cluster whose nodes have no fault proxy', () => {
    expect(partitionsByAddress({ kind: 'sentinel', nodes: [node('primary', '127.0.9.2', false)] })).toBe(true);
    expect(partitionsByAddress({ kind: 'cluster', nodes: [node('master-1', '127.0.9.2', false)] })).toBe(true);
    expect(partitionsByAddress({ kind: 'sentinel', nodes: [node('primary', '127.0.0.1', true)] })).toBe(false);
    expect(partitionsByAddress({ kind: 'replicas', nodes: [node('primary', '127.0.9.2', false)] })).toBe(false);
  });

  it('the clients take .254 of the first node /24', () => {
    expect(clientAddress({ nodes: [node('primary', '127.1.7.2', false)] })).toBe('127.1.7.254');
    expect(clientAddress({ nodes: [node('primary', 'redis.example', false)] })).toBe('127.0.0.254');
  });
});

describe('addressPartitionProblems', () => {
  const clients = '127.0.9.254';
  it('accepts members on addresses of their own', () => {
    const sides = [
      [
        { name: 'primary', host: '127.0.9.2' },
        { name: 'clients', host: clients },
      ],
      [
        { name: 'replica-1', host: '127.0.9.3' },
        { name: 'sentinel-1', host: '127.0.9.5' },
      ],
    ];
    expect(addressPartitionProblems(sides, clients)).toEqual([]);
  });

  it('refuses members that share an address across sides, sit on the drill address, or are not loopback', () => {
    const p = addressPartitionProblems(
      [
        [{ name: 'primary', host: '127.0.0.1' }],
        [
          { name: 'replica-1', host: '127.0.0.1' },
          { name: 'replica-2', host: '10.1.1.1' },
          { name: 'sentinel-1', host: clients },
        ],
      ],
      clients,
    );
    expect(p).toEqual([
      expect.stringMatching(/^primary is at 127\.0\.0\.1, the address of the drill's own probes: give each node .*--addresses/),
      expect.stringMatching(/^replica-1 is at 127\.0\.0\.1, the address of the drill's own probes/),
      expect.stringMatching(/^primary and replica-1 share 127\.0\.0\.1 but are on different sides/),
      expect.stringMatching(/^replica-2 is at 10\.1\.1\.1: a partition by address cuts loopback IPv4 addresses on this machine only/),
      expect.stringMatching(/^sentinel-1 is at 127\.0\.9\.254, the address of the drill's own clients/),
    ]);
  });
});
