/** `stormdrill drill run`: flags → runbook → safety gate → run each variant → print. */
import { dirname, resolve } from 'node:path';
import { OptionsError } from '../../core/errors.js';
import { reportDir } from '../../core/naming.js';
import { loadRunbook } from '../../drill/load.js';
import type { DrillReport } from '../../drill/report/types.js';
import { runDrill } from '../../drill/runner.js';
import { safetyProblems } from '../../drill/safety.js';
import { outputProblems } from '../output.js';
import { type DrillRunFlags, parseRunFlags } from './run-flags.js';
import { summaryLines } from './summary.js';

export async function drillRunCommand(ref: string, flags: DrillRunFlags): Promise<number> {
  const f = parseRunFlags(flags);
  // before the runbook loads and long before the topology starts: a drill's result must never be lost to a path
  const reportPath = f.reportDir ?? (f.runId ? reportDir(f.runId) : dirname(reportDir('run-id')));
  const pathProblems = outputProblems([{ flag: '--report-dir', path: reportPath, kind: 'dir' }]);
  if (pathProblems.length) throw new OptionsError(pathProblems);
  const rb = loadRunbook(ref, f.choice);
  const problems = rb.plans.flatMap((p) =>
    safetyProblems(p, { targetHost: f.target?.host, allowDestructive: f.allowDestructive, confirmNonLoopback: f.confirmNonLoopback }),
  );
  if (f.serviceUrl && rb.plans.some((p) => !p.service))
    problems.push(`--service-url needs a runbook with a service workload (service:); ${rb.name} has none`);
  if (problems.length) throw new OptionsError([...new Set(problems)]);
  const out = (line: string) => (f.json ? process.stderr : process.stdout).write(`${line}\n`);
  let exit = 0;
  const reports: DrillReport[] = [];
  for (const plan of rb.plans) {
    // the parsed flags are the run's options (runId, remoteWrite, target, ...)
    const r = await runDrill({ ...f, plan, reportDir: f.reportDir ? resolve(f.reportDir) : undefined, log: out });
    reports.push(r.report);
    for (const l of summaryLines(r.report)) out(l);
    exit = Math.max(exit, r.exitCode);
  }
  if (f.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  return exit;
}
