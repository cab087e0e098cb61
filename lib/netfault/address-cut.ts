/**
 * Partitions by address, for members stormdrill did not start and so has no fault proxy in
 * front of (`drill run --target`): nftables rules on this machine drop every packet between
 * two sets of addresses, both ways, established connections included, as a cut between
 * machines would. Each run's rules live in a table of its own (`inet stormdrill_<run>`),
 * replaced whole by the next cut and deleted by the heal, so two runs never touch each
 * other's rules. Only loopback IPv4 addresses (127.0.0.0/8) can be cut: the rules act on
 * this machine's traffic, and ::1 cannot give each member an address of its own.
 * A table names its owner process in its comment (pid and start time), so the tables of a
 * drill killed with -9 are known as stale and removed by the next drill that cuts.
 */
import { execa } from 'execa';
import { UserError } from '../core/errors.js';
import { procStatFields } from '../core/proc-stat.js';

/** Every packet between an address of `a` and one of `b` is dropped. */
export interface AddressCut {
  a: string[];
  b: string[];
}

const TABLE_PREFIX = 'stormdrill_';
const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The nftables table of a run: `stormdrill_` and the run id in the characters nft names allow. Pure. */
export function addressCutTable(runId: string): string {
  return `${TABLE_PREFIX}${runId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

/** Whether an address can be cut: an IPv4 loopback address with octets of 0..255. Pure. */
export function isCuttableAddress(address: string): boolean {
  const m = IPV4_LOOPBACK.exec(address);
  return m?.slice(1).every((o) => Number(o) <= 255) ?? false;
}

/** A table's owner: the process that cut, by pid and start time (a reused pid is another process). */
export interface CutOwner {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  start: string;
}

/** The table comment naming its owner. Pure. */
export function ownerComment(o: CutOwner): string {
  return `stormdrill pid ${o.pid} start ${o.start}`;
}

/** The owner named in `nft list table` output, or null when the table has none. Pure. */
export function parseCutOwner(listing: string): CutOwner | null {
  const m = /comment "stormdrill pid (\d+) start (\d+)"/.exec(listing);
  return m ? { pid: Number(m[1]), start: m[2] as string } : null;
}

/** The owner tag of a live process, or null when it is gone. */
function processOwner(pid: number): CutOwner | null {
  const start = procStatFields(pid)?.[22 - 3]; // starttime is field 22
  return start ? { pid, start } : null;
}

/** The nft script that puts exactly `cuts` in place (an earlier set of the table is replaced in the same transaction). Pure. */
export function addressCutRuleset(table: string, cuts: AddressCut[], owner?: CutOwner): string {
  const bad = cuts.flatMap((c) => [...c.a, ...c.b]).filter((x) => !isCuttableAddress(x));
  if (bad.length > 0) throw new Error(`not loopback IPv4 addresses: ${[...new Set(bad)].join(', ')}`);
  const set = (xs: string[]) => `{ ${[...new Set(xs)].join(', ')} }`;
  const rules = cuts
    .filter((c) => c.a.length > 0 && c.b.length > 0)
    .flatMap((c) => [`    ip saddr ${set(c.a)} ip daddr ${set(c.b)} drop`, `    ip saddr ${set(c.b)} ip daddr ${set(c.a)} drop`]);
  return [
    `add table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    ...(owner ? [`  comment "${ownerComment(owner)}"`] : []),
    '  chain cut {',
    '    type filter hook input priority -10; policy accept;',
    ...rules,
    '  }',
    '}',
    '',
  ].join('\n');
}

async function nft(args: string[], input?: string): Promise<{ exitCode: number; stderr: string; stdout: string }> {
  const r = await execa('nft', args, { input, reject: false, timeout: 10_000 });
  if ((r as { code?: string }).code === 'ENOENT')
    throw new UserError('a partition by address needs nftables: run `npm run setup` (it installs the nftables package)');
  return { exitCode: r.exitCode ?? 1, stderr: String(r.stderr), stdout: String(r.stdout) };
}

/** Put the cuts in place (replacing the table's earlier ones). */
export async function applyAddressCuts(table: string, cuts: AddressCut[]): Promise<void> {
  const r = await nft(['-f', '-'], addressCutRuleset(table, cuts, processOwner(process.pid) ?? undefined));
  if (r.exitCode !== 0) {
    const why = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `nft exited with ${r.exitCode}`;
    throw new UserError(`could not cut links with nftables (${why.trim()}): a partition by address needs root (CAP_NET_ADMIN)`);
  }
}

/** Delete the run's table: every cut healed. A table already gone is fine. */
export async function removeAddressCuts(table: string): Promise<void> {
  await nft(['delete', 'table', 'inet', table]);
}

/** The stormdrill tables present (leftover checks); empty when nft is missing or not allowed. */
export async function addressCutTables(): Promise<string[]> {
  try {
    const r = await nft(['list', 'tables', 'inet']);
    if (r.exitCode !== 0) return [];
    return r.stdout
      .split('\n')
      .map((l) => /^table inet (\S+)/.exec(l.trim())?.[1])
      .filter((x): x is string => x?.startsWith(TABLE_PREFIX) ?? false);
  } catch {
    return [];
  }
}

/**
 * Delete the stormdrill tables whose owner process is gone (a drill killed with -9 cannot
 * heal its cuts). Tables of live processes, and tables naming no owner, are left alone.
 * Returns what was removed.
 */
export async function removeStaleAddressCuts(): Promise<Array<{ table: string; pid: number }>> {
  const removed: Array<{ table: string; pid: number }> = [];
  for (const table of await addressCutTables()) {
    const r = await nft(['list', 'table', 'inet', table]);
    const owner = r.exitCode === 0 ? parseCutOwner(r.stdout) : null;
    if (owner === null) continue;
    if (processOwner(owner.pid)?.start === owner.start) continue;
    const d = await nft(['delete', 'table', 'inet', table]);
    if (d.exitCode === 0) removed.push({ table, pid: owner.pid });
  }
  return removed;
}
