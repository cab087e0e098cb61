import type { Knobs } from '../../k6/profiles.js';
import type { K6RunOptions } from '../../k6run/options.js';
import { defineCommand } from '../command.js';
import { bareSeconds, wholeNumber } from '../flags.js';

/** The flags as commander hands them over. */
type K6Flags = Pick<K6RunOptions, 'profile' | 'baseUrl' | 'promRw' | 'slo' | 'runId' | 'reportRoot'> & Knobs & { pushInterval: string };

export default defineCommand({
  name: 'k6',
  order: 20,
  register(program) {
    program
      .command('k6')
      .description(
        'run a k6 scenario (smoke, load, stress, spike, soak, breakpoint) with remote write to Prometheus; summary files go to reports/<run-id>/',
      )
      .argument('<scenario>', 'scenario name (scripts/<scenario>.ts)')
      .argument('[k6args...]', 'extra k6 arguments after --, e.g. -- --iterations 1')
      .option('--profile <name>', "load profile: smoke, average-load, stress, spike, soak, breakpoint (default: the scenario's own)")
      .option('--base-url <url>', 'target service (default http://127.0.0.1:8080, the local demo service)')
      .option(
        '--prom-rw <url>',
        'Prometheus remote-write URL, e.g. http://127.0.0.1:9090/api/v1/write (default: $K6_PROMETHEUS_RW_SERVER_URL)',
      )
      .option('--push-interval <duration>', 'remote-write push interval (a bare number is seconds)', '5s')
      .option('--slo <json>', 'SLO as JSON, e.g. \'{"p95Ms":300,"errorRate":0.01}\'')
      .option('--duration <duration>', 'main phase duration, e.g. 2m or 120 (seconds)')
      .option('--ramp <duration>', 'ramp duration, e.g. 30s (a bare number is seconds)')
      .option('--vus <n>', 'target VUs (VU-based profiles)', wholeNumber('--vus', { min: 1, example: '10' }))
      .option('--rate <n>', 'target iterations per second (arrival-rate profiles)', wholeNumber('--rate', { min: 1, example: '50' }))
      .option('--max-vus <n>', 'most VUs an arrival-rate profile may use', wholeNumber('--max-vus', { min: 1, example: '100' }))
      .option('--run-id <id>', 'run id, also the testid tag (default: generated)')
      .option('--report-root <dir>', 'directory that holds reports/<run-id>/ (default: the working directory)')
      .action(async (scenario: string, k6args: string[], { pushInterval, duration, ramp, vus, rate, maxVus, ...opts }: K6Flags) => {
        const { checkOutputPaths } = await import('../output.js');
        const { join } = await import('node:path');
        // reports/<run-id>/ under --report-root: checked before k6 is looked for or started
        const root = opts.reportRoot ?? '.';
        checkOutputPaths([{ flag: '--report-root', path: root, kind: 'dir' }]);
        checkOutputPaths([{ flag: '--report-root', path: join(root, 'reports'), kind: 'dir' }]);
        const { runK6 } = await import('../../k6run/index.js');
        const r = await runK6({
          ...opts,
          scenario,
          pushInterval: bareSeconds(pushInterval) as string,
          knobs: { duration: bareSeconds(duration), ramp: bareSeconds(ramp), vus, rate, maxVus },
          k6Args: k6args,
          onOutput: (line) => process.stdout.write(`${line}\n`),
          log: (line) => console.error(`stormdrill: ${line}`),
        });
        console.error(`stormdrill: k6 exited ${r.exitCode} (${r.meaning}); testid ${r.testid}; reports in ${r.reportDir}`);
        process.exitCode = r.exitCode;
      });
  },
});
