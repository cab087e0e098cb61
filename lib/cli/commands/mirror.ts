import { defineCommand } from '../command.js';
import { collect } from '../connection-flags.js';

export default defineCommand({
  name: 'mirror',
  order: 41,
  register(program) {
    program
      .command('mirror')
      .description('a proxy that answers from the primary and mirrors every request to a second deployment, comparing the answers')
      .requiredOption('--primary <url>', 'the service clients use (its answers go back to them), e.g. http://127.0.0.1:8080')
      .requiredOption('--mirror <url>', 'the deployment under test; its answers are only compared, never returned')
      .option('--listen <host:port>', 'where clients connect', '127.0.0.1:8090')
      .option('--duration <d>', 'stop after this long (e.g. 30s, 10m; a bare number is seconds)', '10m')
      .option('--requests <n>', 'stop after this many requests')
      .option('--ignore-field <names>', 'JSON fields that may differ, at any depth (comma-separated, repeatable), e.g. createdAt', collect)
      .option(
        '--map-field <names>',
        'JSON fields holding ids each side makes up; learned and rewritten in later mirrored requests',
        collect,
        [],
      )
      .option('--mirror-timeout <d>', 'how long a mirrored request may take (e.g. 2s, 500ms; a bare number is seconds)', '2s')
      .option('--mirror-concurrency <n>', 'mirrored requests in flight at most; more are dropped (counted)', '64')
      .option('--max-body <bytes>', 'larger request bodies go to the primary only (counted as dropped)', '1048576')
      .option('--show-values', 'show differing values in the report (off: only where they differ)')
      .option('--fail-on-mismatch', 'exit 1 when any answer differed (for CI)')
      .option('--allow-remote', 'allow targets and a listen address other than loopback')
      .option('--json <file>', 'write the comparison as JSON (atomically)')
      .option('--run-id <id>', 'the run id (testid label of the metrics; default: a new one)')
      .option('--prom-rw <url>', 'push live metrics to a Prometheus remote-write URL')
      .option('--metrics-port <port>', 'serve live metrics on http://127.0.0.1:PORT/metrics')
      .addHelpText(
        'after',
        `
Example (the demo service twice, ids mapped, timestamps ignored):
  stormdrill mirror --primary http://127.0.0.1:8080 --mirror http://127.0.0.1:8081 \\
    --map-field id --ignore-field createdAt,confirmedAt --duration 5m --json mirror.json`,
      )
      .action(async (f) => {
        const { mirrorCli } = await import('../mirror/run.js');
        process.exitCode = await mirrorCli(f);
      });
  },
});
