/** Short human summaries of the four results. Pure: they return strings. */
import type { AuditResult } from './audit/audit.js';
import type { FillResult } from './fill/fill.js';
import type { VerifyResult } from './verify/verify.js';
import type { LedgerCut } from './write/ledger.js';
import type { UnavailabilityWindow } from './write/windows.js';
import type { MasterSwitch, WriteResult } from './write/writer.js';

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatFill(r: FillResult): string {
  const lines = [
    `fill: ${int(r.keys)} keys, ${mib(r.bytes)} sent in ${r.durationSeconds.toFixed(2)} s (${int(r.keysPerSecond)} keys/s), errors ${r.errors}, stopped by ${r.stoppedBy}`,
  ];
  if (r.usedMemory !== null)
    lines.push(
      `memory: used ${mib(r.usedMemory)}${r.maxmemory ? ` of maxmemory ${mib(r.maxmemory)} (${((100 * r.usedMemory) / r.maxmemory).toFixed(1)}%)` : ''}${r.targetMemory !== null ? `, target ${mib(r.targetMemory)}` : ''}`,
    );
  if (r.errorSamples.length) lines.push(`error replies, e.g.: ${r.errorSamples.join(' | ')}`);
  return lines.join('\n');
}

export function formatWindow(w: UnavailabilityWindow): string {
  const errs = Object.entries(w.errors)
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
  return `${new Date(w.startMs).toISOString()} → ${new Date(w.endMs).toISOString()}  ${w.durationMs.toFixed(0)} ms${w.open ? ' (still open at the end)' : ''}  ${errs}`;
}

/** One master change as a line: from → to, why, how fast the writer followed, the split window. */
export function formatSwitch(s: MasterSwitch): string {
  const why = s.reason === '+switch-master' ? `+switch-master from ${s.sentinel}` : s.reason;
  const follow =
    s.firstWriteMs !== null ? `, first write on the new master ${Math.max(0, s.firstWriteMs - s.atMs).toFixed(0)} ms later` : '';
  const split = s.splitWrites === null ? 'split not counted' : `split ${int(s.splitWrites)} write(s)`;
  return `${new Date(s.atMs).toISOString()} ${s.from} → ${s.to} (${why})${follow}; ${split}`;
}

export function formatWrite(r: WriteResult): string {
  const lines = [
    `write: ${int(r.attempted)} attempted, ${int(r.acked)} acked, ${int(r.failed)} failed, ${int(r.unknown)} unknown in ${r.durationSeconds.toFixed(2)} s (${int(r.ackedPerSecond)} acked/s, p99 ${r.latencyMs.p99.toFixed(3)} ms)`,
    `write unavailability: ${r.writeWindows.length} window(s), ${r.writeUnavailableMs.toFixed(0)} ms in total`,
  ];
  for (const w of r.writeWindows.slice(0, 20)) lines.push(`  ${formatWindow(w)}`);
  if (r.switches.length > 0 || !r.followSwitchMaster) {
    lines.push(
      `master switches: ${r.switches.length}${r.followSwitchMaster ? '' : ' (--no-follow-switch-master: +switch-master not followed)'}; split window: ${int(r.splitWindow.writes)} write(s) acknowledged by an old master that the new master does not have`,
    );
    for (const s of r.switches) lines.push(`  ${formatSwitch(s)}`);
  }
  if (r.reads.ok + r.reads.failed > 0) {
    lines.push(
      `read probe: ${int(r.reads.ok)} ok, ${int(r.reads.failed)} failed; ${r.readWindows.length} window(s), ${r.readUnavailableMs.toFixed(0)} ms`,
    );
    for (const w of r.readWindows.slice(0, 20)) lines.push(`  ${formatWindow(w)}`);
  }
  lines.push(`ledger: ${r.ledgerPath} (${mib(r.ledgerBytes)}); audit with: stormdrill audit --ledger ${r.ledgerPath} -u redis://HOST:PORT`);
  return lines.join('\n');
}

/** What a truncated ledger lost, in one line. */
export function ledgerCutLine(c: LedgerCut): string {
  const head = `the ledger is truncated at byte ${int(c.atByte)} (its ${c.what}); the intact blocks before it are audited`;
  if (c.recordsCutOff === 0) return `${head}; no recorded outcome was cut off (only the end record)`;
  if (c.recordsCutOff === null)
    return `${head}; the last block's header is cut too, so the number of outcomes cut off is unknown${c.firstSeq !== null ? ` (from seq ${c.firstSeq})` : ''}`;
  const seqs = c.firstSeq !== null ? ` (seq ${c.firstSeq}..${c.firstSeq + c.recordsCutOff - 1})` : '';
  return `${head}; ${int(c.recordsCutOff)} recorded outcome(s) of the last block were cut off${seqs} and are not audited`;
}

export function formatAudit(r: AuditResult): string {
  const lines = [
    `audit of ${r.ledgerPath} (run ${r.runId}, mode ${r.mode}) against ${r.target}${r.ledgerComplete || r.ledgerCut ? '' : ' — the ledger has no end record: the writer did not stop cleanly; its recorded outcomes are audited'}`,
    `attempted ${int(r.attempted)}: acked ${int(r.acked)}, failed ${int(r.failed)}, unknown ${int(r.unknown)}`,
    `acked-but-lost ${int(r.ackedLost)}, acked-but-corrupt ${int(r.ackedCorrupt)}, failed-but-present ${int(r.failedPresent)}, unknown-present ${int(r.unknownPresent)}, unknown-absent ${int(r.unknownAbsent)}`,
  ];
  if (r.ledgerCut) lines.push(ledgerCutLine(r.ledgerCut));
  for (const [k, keys] of Object.entries(r.samples)) if (keys.length) lines.push(`  ${k} e.g.: ${keys.join(' ')}`);
  lines.push(
    r.passed
      ? `PASS: ${r.ackedLost === 0 ? 'no acknowledged write lost' : `${r.ackedLost} acknowledged write(s) lost, within --allow-loss ${r.allowLoss}`}`
      : `FAIL: ${r.ackedLost} acknowledged write(s) lost${r.ackedCorrupt ? `, ${r.ackedCorrupt} corrupt` : ''} (allowed ${r.allowLoss})`,
  );
  return lines.join('\n');
}

export function formatVerify(r: VerifyResult): string {
  const c = r.conflicts;
  const lines = [
    `verify ${r.source} → ${r.target} (compare ${r.compare}, ${r.rounds} round(s)): ${int(r.keysCompared)} source keys compared, ${int(r.targetKeysScanned)} target keys scanned in ${r.durationSeconds.toFixed(2)} s (${int(r.keysPerSecond)} keys/s)`,
    `conflicts: ${c.total} (type ${c.type}, value ${c.value}, missing-on-target ${c.missingOnTarget}, missing-on-source ${c.missingOnSource}, ttl ${c.ttl})`,
  ];
  for (const [k, keys] of Object.entries(r.samples))
    if (keys.length)
      lines.push(`  ${k} e.g.: ${keys.join(' ')}${((c as unknown as Record<string, number>)[k] ?? 0) > keys.length ? ' …' : ''}`);
  lines.push(r.passed ? 'PASS: source and target hold the same data' : 'FAIL: source and target differ');
  return lines.join('\n');
}
