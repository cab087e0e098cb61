import { defineCommand } from '../command.js';
import { ms, NOT_MEASURED } from '../drill/summary.js';
import { durationTextFlag } from '../flags.js';

export default defineCommand({
  name: 'demo',
  order: 1,
  register(program) {
    program
      .command('demo')
      .description(
        'the main job on the embedded default: Prometheus, Sentinel behind HAProxy with exporters, the demo service, a short bench, a k6 stress run (when k6 is present) and a primary-failover drill with continuous writes; then stop everything',
      )
      .option('--bench-requests <n>', 'requests per bench test (SET, GET)', (v) => Number(v), 50_000)
      .option(
        '--k6-duration <d>',
        'hold phase of the k6 stress run, e.g. 10s or 10 (seconds)',
        durationTextFlag('--k6-duration', '10s'),
        '10s',
      )
      .option('--no-k6', 'skip the k6 stress run even when k6 is installed')
      .option('--runbook <name>', 'failover runbook to run (default haproxy-failover, fault=crash)')
      .option('--run-id <id>', 'run id, also the testid label (default: generated)')
      .option('--keep', "after the run, keep Prometheus with all of the run's series up until Ctrl-C")
      .addHelpText('after', '\nExample:\n  stormdrill demo\n  stormdrill demo --bench-requests 20000 --k6-duration 5s --keep\n')
      .action(
        async (opts: { benchRequests: number; k6Duration: string; k6: boolean; runbook?: string; runId?: string; keep?: boolean }) => {
          const { UserError } = await import('../../core/errors.js');
          const { isValidRunId } = await import('../../core/naming.js');
          if (!Number.isInteger(opts.benchRequests) || opts.benchRequests < 1) {
            throw new UserError('--bench-requests must be a positive integer, e.g. --bench-requests 50000');
          }
          if (opts.runId !== undefined && !isValidRunId(opts.runId)) {
            throw new UserError('--run-id must be lower-case letters, digits and dashes (at most 48)');
          }
          const { checkOutputPaths } = await import('../output.js');
          checkOutputPaths([{ flag: "the demo's report directory", path: 'reports', kind: 'dir' }]);
          const { runDemo } = await import('../../demo/run-demo.js');
          const r = await runDemo({
            benchRequests: opts.benchRequests,
            k6Duration: opts.k6Duration,
            noK6: !opts.k6,
            runbook: opts.runbook,
            runId: opts.runId,
            keep: opts.keep,
            log: (l) => console.log(l),
          });
          console.log('');
          console.log(`summary of run ${r.runId} (testid ${r.testid})`);
          for (const t of r.bench?.tests ?? [])
            console.log(`  bench ${t.title}: ${Math.round(t.rps)} rps, p50 ${t.p50Ms.toFixed(3)} ms, p99 ${t.p99Ms.toFixed(3)} ms`);
          if (r.mirror) console.log(`  ${r.mirror.line}`);
          console.log(`  k6 stress: ${r.k6.ran ? `exit ${r.k6.exitCode} (${r.k6.meaning})` : `skipped: ${r.k6.reason}`}`);
          if (r.drill) {
            const d = r.drill;
            console.log(
              `  drill ${d.runbook}: ${d.status}; write unavailable ${ms(d.writeUnavailableMs)}, read unavailable ${ms(d.readUnavailableMs)}, failover ${d.failoverSeconds ?? 'n/a'} s, acked lost ${d.ackedLost ?? NOT_MEASURED}`,
            );
            for (const c of d.checks)
              console.log(`    ${c.ok ? 'pass' : 'FAIL'} ${c.name} (limit ${c.limit}, measured ${String(c.measured)})`);
          }
          if (r.dashboards) {
            console.log(
              `  dashboards (${r.dashboards.checked.join(', ')}): ${r.dashboards.queries} panel queries against this run's data, ${r.dashboards.empty} empty (events this run did not cause), ${r.dashboards.errors} errors`,
            );
          }
          console.log(`reports: ${r.reportDir}`);
          process.exitCode = r.exitCode;
        },
      );
  },
});
