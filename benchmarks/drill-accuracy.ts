/**
 * Drill accuracy against known faults (issue 4): a SIGSTOP of known length must give a
 * measured write window of the same length (target ±100 ms), and a drill that destroys N
 * acknowledged writes must report exactly N. Anchors: the injected freeze length and the
 * number of writes that never reached the winning replica.
 *   node --import tsx benchmarks/drill-accuracy.ts
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbook } from '../lib/drill/load.js';
import { runDrill } from '../lib/drill/runner.js';

const out = join(tmpdir(), `stormdrill-drill-bench-${process.pid}`);
let worst = 0;
for (const freezeMs of [1000, 2000, 3000]) {
  const [plan] = loadRunbook('freeze-window', { set: { freeze: `${freezeMs}ms` } }).plans;
  if (!plan) throw new Error('freeze-window has no plan');
  plan.checks.maxWriteUnavailable = freezeMs + 100;
  const r = await runDrill({ plan, reportDir: join(out, `freeze-${freezeMs}`) });
  const step = r.report.steps.find((s) => s.action === 'freeze');
  const w = r.report.writeWindows.find((x) => step && x.endMs > step.startMs && x.startMs < (step.endMs ?? 0));
  const measured = w?.durationMs ?? Number.NaN;
  worst = Math.max(worst, Math.abs(measured - freezeMs));
  console.log(
    `freeze ${freezeMs} ms: measured write window ${measured} ms, ratio ${(measured / freezeMs).toFixed(4)}, error ${(measured - freezeMs).toFixed(1)} ms`,
  );
}
console.log(`worst window error: ${worst.toFixed(1)} ms (target <= 100 ms: ${worst <= 100 ? 'met' : 'NOT met'})`);
for (const n of [100, 1000]) {
  const [plan] = loadRunbook('known-loss', { set: { count: String(n) } }).plans;
  if (!plan) throw new Error('known-loss has no plan');
  const r = await runDrill({ plan, reportDir: join(out, `loss-${n}`) });
  console.log(
    `destroyed ${n} acknowledged writes: reported ${r.report.ackedLost}, ratio ${((r.report.ackedLost ?? Number.NaN) / n).toFixed(4)}`,
  );
}
rmSync(out, { recursive: true, force: true });
