/**
 * The `stormdrill drill` commands behind the commander wiring: flags → options (pure,
 * exported for tests), then load, safety gate, run, print.
 */
import { basename, resolve } from 'node:path';
import { OptionsError, UserError } from '../core/errors.js';
import { isValidRunId } from '../core/naming.js';
import { type AttachTarget, parseTargetUri } from './attach.js';
import { listRunbookFiles, loadRunbook } from './load.js';
import type { VariantChoice } from './plan.js';
import type { DrillReport } from './report/types.js';
import { runDrill } from './runner.js';
import { safetyProblems } from './safety.js';

export interface DrillRunFlags {
  set?: string[];
  allVariants?: boolean;
  runId?: string;
  reportDir?: string;
  promRw?: string;
  target?: string;
  allowDestructive?: boolean;
  confirmNonLoopback?: boolean;
  json?: boolean;
  keepWorkDir?: boolean;
}

export interface ParsedRunFlags {
  choice: VariantChoice;
  runId?: string;
  reportDir?: string;
  remoteWrite?: { url: string; username?: string; password?: string; bearerToken?: string };
  target?: AttachTarget;
  allowDestructive: boolean;
  confirmNonLoopback: boolean;
  json: boolean;
  keepWorkDir: boolean;
}

/** Flags → options; every problem at once. Pure except for reading env (REDISCLI_AUTH, STORMDRILL_PROM_RW_BEARER_TOKEN). */
export function parseRunFlags(f: DrillRunFlags, env: Record<string, string | undefined> = process.env): ParsedRunFlags {
  const problems: string[] = [];
  const set: Record<string, string> = {};
  for (const kv of f.set ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) problems.push(`--set '${kv}' must be name=value, e.g. --set replicas=3`);
    else set[kv.slice(0, i)] = kv.slice(i + 1);
  }
  if (f.runId !== undefined && !isValidRunId(f.runId)) problems.push('--run-id must be lower-case letters, digits and dashes (at most 48)');
  if (f.allVariants && f.runId !== undefined)
    problems.push('--run-id names one run: drop it with --all-variants (each variant gets its own id)');
  if (f.allVariants && f.reportDir !== undefined) problems.push('--report-dir names one report: drop it with --all-variants');
  let remoteWrite: ParsedRunFlags['remoteWrite'];
  if (f.promRw !== undefined) {
    try {
      const u = new URL(f.promRw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      const username = u.username ? decodeURIComponent(u.username) : undefined;
      const password = u.password ? decodeURIComponent(u.password) : undefined;
      u.username = '';
      u.password = '';
      remoteWrite = { url: u.toString(), username, password, bearerToken: env.STORMDRILL_PROM_RW_BEARER_TOKEN || undefined };
    } catch {
      problems.push('--prom-rw must be an http(s) URL such as http://127.0.0.1:9090/api/v1/write');
    }
  }
  let target: AttachTarget | undefined;
  if (f.target !== undefined) {
    try {
      target = parseTargetUri(f.target, env);
    } catch (err) {
      problems.push((err as Error).message);
    }
  } else if (f.allowDestructive || f.confirmNonLoopback) {
    problems.push('--allow-destructive and --confirm-non-loopback only apply with --target (the embedded topology is always yours)');
  }
  if (problems.length) throw new OptionsError(problems);
  return {
    choice: { set, allVariants: f.allVariants ?? false },
    runId: f.runId,
    reportDir: f.reportDir,
    remoteWrite,
    target,
    allowDestructive: f.allowDestructive ?? false,
    confirmNonLoopback: f.confirmNonLoopback ?? false,
    json: f.json ?? false,
    keepWorkDir: f.keepWorkDir ?? false,
  };
}

/** One line per figure of a finished drill. */
export function summaryLines(r: DrillReport): string[] {
  const lines = [
    `drill ${r.runbook}${r.variant ? ` (${r.variant})` : ''}: ${r.status.toUpperCase()}${r.reason ? ` — ${r.reason}` : ''}`,
    `  write unavailable ${r.writeUnavailableMs ?? 'n/a'} ms, read unavailable ${r.readUnavailableMs ?? 'n/a'} ms, failover ${r.failoverSeconds === null ? 'n/a' : `${r.failoverSeconds.toFixed(2)} s`}, acked lost ${r.ackedLost ?? 'n/a'}, full syncs ${r.fullSyncs ?? 'n/a'}, LOADING errors ${r.loadingErrors}`,
  ];
  for (const c of r.checks)
    lines.push(
      `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.measured ?? 'n/a'} (limit ${c.limit})${c.ok || !c.detail ? '' : ` — ${c.detail}`}`,
    );
  if (r.files?.length) lines.push(`  report: ${r.files.join(', ')}`);
  return lines;
}

export async function drillRunCommand(ref: string, flags: DrillRunFlags): Promise<number> {
  const f = parseRunFlags(flags);
  const rb = loadRunbook(ref, f.choice);
  const problems = rb.plans.flatMap((p) =>
    safetyProblems(p, { targetHost: f.target?.host, allowDestructive: f.allowDestructive, confirmNonLoopback: f.confirmNonLoopback }),
  );
  if (problems.length) throw new OptionsError([...new Set(problems)]);
  const out = (line: string) => (f.json ? process.stderr : process.stdout).write(`${line}\n`);
  let exit = 0;
  const reports: DrillReport[] = [];
  for (const plan of rb.plans) {
    const r = await runDrill({
      plan,
      runId: f.runId,
      reportDir: f.reportDir ? resolve(f.reportDir) : undefined,
      remoteWrite: f.remoteWrite,
      target: f.target,
      allowDestructive: f.allowDestructive,
      confirmNonLoopback: f.confirmNonLoopback,
      keepWorkDir: f.keepWorkDir,
      log: out,
    });
    reports.push(r.report);
    for (const l of summaryLines(r.report)) out(l);
    exit = Math.max(exit, r.exitCode);
  }
  if (f.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  return exit;
}

export function drillListCommand(f: { json?: boolean }): void {
  const rows = listRunbookFiles().map((file) => {
    try {
      const rb = loadRunbook(file, { allVariants: true });
      return {
        name: basename(file, '.yaml'),
        description: rb.description.trim().split('\n')[0] ?? '',
        variants: rb.plans.length,
        topology: rb.plans[0]?.topology.kind ?? '?',
        human: rb.humanFile !== null,
        file,
      };
    } catch (err) {
      return {
        name: basename(file, '.yaml'),
        description: `INVALID: ${(err as Error).message.split('\n')[0]}`,
        variants: 0,
        topology: '?',
        human: false,
        file,
      };
    }
  });
  if (f.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const w = Math.max(4, ...rows.map((r) => r.name.length));
  process.stdout.write(`${'name'.padEnd(w)}  topology   variants  description\n`);
  for (const r of rows)
    process.stdout.write(`${r.name.padEnd(w)}  ${r.topology.padEnd(9)}  ${String(r.variants).padStart(8)}  ${r.description}\n`);
  process.stdout.write(`\nrun one: stormdrill drill run <name>   (markdown runbook beside each: runbooks/<name>.md)\n`);
}

export function drillValidateCommand(refs: string[]): void {
  const problems: string[] = [];
  for (const ref of refs) {
    try {
      const rb = loadRunbook(ref, { allVariants: true });
      if (!rb.humanFile) problems.push(`${rb.file}: no markdown runbook beside it (${basename(rb.file, '.yaml')}.md)`);
      else process.stdout.write(`ok ${rb.file}: ${rb.plans.length} variant(s), ${rb.plans[0]?.steps.length ?? 0} step(s)\n`);
    } catch (err) {
      if (err instanceof UserError) problems.push(...err.message.split('\n'));
      else throw err;
    }
  }
  if (problems.length) throw new OptionsError(problems);
}
