/**
 * A process killed with -9 cannot heal its address cuts. Its nftables table names its owner
 * (pid and start time), so removeStaleAddressCuts() — run by every drill that cuts by
 * address before it starts — deletes that table and keeps the tables of live processes.
 * Real nft rules, a real kill -9.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import {
  addressCutTable,
  addressCutTables,
  applyAddressCuts,
  removeAddressCuts,
  removeStaleAddressCuts,
} from '../../../lib/netfault/address-cut.js';
import { addressBlock, namespace } from '../../support/namespace.js';
import { announceAddressCuts } from '../../support/topology.js';
import { waitUntil } from '../../support/wait.js';

const can = await announceAddressCuts('stale address cuts after kill -9');
// two addresses of this worker's block that no topology member uses (those get .2, .3, ...; the writer .254)
const base = addressBlock.replace(/\.0\/24$/, '');
const cut = { a: [`${base}.200`], b: [`${base}.201`] };

describe.skipIf(!can)('address cuts of a process killed with -9', () => {
  it('stay after the kill and are removed as stale; the cuts of a live process are kept', async () => {
    const dead = addressCutTable(`${namespace.runId}-dead`);
    const live = addressCutTable(`${namespace.runId}-live`);
    // a child cuts, then waits (at most 60 s) until it is killed
    const script = `import(${JSON.stringify(join(PROJECT_ROOT, 'lib/netfault/address-cut.ts'))}).then(async (m) => {
      await m.applyAddressCuts(${JSON.stringify(dead)}, [${JSON.stringify(cut)}]);
      setTimeout(() => {}, 60_000);
    });`;
    const child = execa(process.execPath, ['--import', 'tsx', '-e', script], { cwd: PROJECT_ROOT, reject: false });
    try {
      await waitUntil('the child to cut', async () => (await addressCutTables()).includes(dead), 30_000, 25);
      child.kill('SIGKILL');
      await child;
      expect(await addressCutTables()).toContain(dead);

      await applyAddressCuts(live, [cut]);
      const removed = await removeStaleAddressCuts();
      expect(removed.find((x) => x.table === dead)?.pid).toBe(child.pid);
      const left = await addressCutTables();
      expect(left).not.toContain(dead);
      expect(left).toContain(live);
    } finally {
      child.kill('SIGKILL');
      await child;
      await removeAddressCuts(dead);
      await removeAddressCuts(live);
    }
  });
});
