import { defineCommand } from '../command.js';
import { collect } from '../connection-flags.js';

export default defineCommand({
  name: 'gate',
  order: 40,
  register(program) {
    program
      .command('gate')
      .description('pass or fail a CI step on a result: rules, the run’s k6 thresholds, and regressions against a baseline')
      .argument('[result]', 'a `stormdrill bench --json` file or a k6 summary.json from `stormdrill k6`')
      .option('--rule <expr>', "METRIC OP NUMBER, e.g. 'SET.p99<=2' or 'http_req_duration.p(95)<300' (repeatable)", collect)
      .option('--baseline <file>', 'an earlier result of the same kind to compare with')
      .option('--max-regression <pct>', 'how much worse than the baseline a compared statistic may be', '10')
      .option('--compare <globs>', 'statistics compared with the baseline (comma-separated, * wildcard)')
      .option('--ignore-thresholds', 'do not fail on the k6 thresholds recorded in the summary')
      .option('--junit <file>', 'write the checks as JUnit XML (atomically)')
      .option('--json <file>', 'write the checks as JSON (atomically)')
      .option('--prometheus <url>', 'read the run from this Prometheus instead of a file: every instance of --testid, merged')
      .option('--testid <id>', 'with --prometheus: the run (its testid label)')
      .option('--lookback <duration>', 'with --prometheus: how far back the run may lie', '1h')
      .option('--markdown <file>', 'append the verdict as a Markdown table (one row per check), e.g. "$GITHUB_STEP_SUMMARY"')
      .addHelpText(
        'after',
        `
Exit code: 0 passed, 1 a check failed, 2 bad input.
Examples:
  stormdrill bench -t set,get -n 200000 -q --json now.json
  stormdrill gate now.json --baseline main.json --max-regression 10 --rule 'SET.p99<=2'
  stormdrill gate reports/<run-id>/summary.json --rule 'http_req_duration.p(95)<300' --junit gate.xml
  stormdrill gate --prometheus http://127.0.0.1:9090 --testid run-1 --rule 'http_req_duration.p(99)<300'
  stormdrill merge pod-*.json > all.json && stormdrill gate all.json --rule 'SET.p99<=2'`,
      )
      .action(async (result: string | undefined, f) => {
        const { gateCli } = await import('../gate/run.js');
        process.exitCode = await gateCli(result, f);
      });
  },
});
