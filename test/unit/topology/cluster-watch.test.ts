import { describe, expect, it } from 'vitest';
import { type ClusterView, diffClusterViews, parseClusterNodes, splitAddr } from '../../../lib/topology/cluster-watch.js';

const NODES = [
  'a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460',
  'b2 127.0.0.1:7002@17002 master - 0 1 2 connected 5461-10922',
  'c3 127.0.0.1:7003@17003 slave a1 0 1 1 connected',
].join('\n');

describe('cluster watch (pure parts)', () => {
  it('parses CLUSTER NODES', () => {
    const m = parseClusterNodes(NODES);
    expect(m.get('a1')).toEqual({ addr: '127.0.0.1:7001', role: 'master', failure: '' });
    expect(m.get('c3')?.role).toBe('replica');
    expect(parseClusterNodes('b2 127.0.0.1:7002@17002 master,fail? - 0 1 2 connected').get('b2')?.failure).toBe('pfail');
  });

  it('turns view changes into events', () => {
    const v0: ClusterView = { state: 'ok', nodes: parseClusterNodes(NODES) };
    const v1: ClusterView = {
      state: 'fail',
      nodes: parseClusterNodes(NODES.replace('a1 127.0.0.1:7001@17001 myself,master', 'a1 127.0.0.1:7001@17001 master,fail')),
    };
    const v2: ClusterView = {
      state: 'ok',
      nodes: parseClusterNodes(
        NODES.replace('a1 127.0.0.1:7001@17001 myself,master', 'a1 127.0.0.1:7001@17001 master,fail').replace(
          'c3 127.0.0.1:7003@17003 slave',
          'c3 127.0.0.1:7003@17003 master',
        ),
      ),
    };
    expect(diffClusterViews(null, v0)).toEqual([]);
    expect(diffClusterViews(v0, v1)).toEqual([
      { kind: 'cluster-state', detail: 'ok → fail' },
      { kind: '+fail', addr: '127.0.0.1:7001' },
    ]);
    expect(diffClusterViews(v1, v2)).toEqual([
      { kind: 'cluster-state', detail: 'fail → ok' },
      { kind: '+promoted', addr: '127.0.0.1:7003' },
    ]);
  });
});

describe('splitAddr', () => {
  it('splits an announced address at the last colon (IPv6 unbracketed), null without a port', () => {
    expect(splitAddr('127.0.0.1:7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(splitAddr('::1:7001')).toEqual({ host: '::1', port: 7001 });
    expect(splitAddr('noport')).toBeNull();
    expect(splitAddr(':7000')).toBeNull();
  });
});
