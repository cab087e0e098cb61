import type { Command } from 'commander';
import { defineCommand } from '../command.js';
import { addTlsOptions, collect } from '../connection-flags.js';
import type { DrillRunFlags } from '../drill/run-flags.js';

export default defineCommand({
  name: 'drill',
  order: 30,
  register(program: Command) {
    const drill = program
      .command('drill')
      .description(
        'outage drills: run executable runbooks (real faults on a local topology) and report unavailability, failover time and acked loss',
      );

    const run = drill
      .command('run')
      .description('run a runbook (a shipped name from `drill list` or a .yaml path) on the embedded default topology it starts')
      .argument('<runbook>', 'runbook name or path')
      .option('--set <name=value>', 'set a runbook variable (repeatable), e.g. --set replicas=3', collect)
      .option('--all-variants', 'run every combination of the runbook matrix (one report each)')
      .option('--run-id <id>', 'run id and testid (default: generated)')
      .option('--report-dir <dir>', 'report directory (default reports/<run-id>)')
      .option(
        '--prom-rw <url>',
        'push drill metrics to a Prometheus remote-write URL (credentials in the URL go to a header, never to logs)',
      )
      .option(
        '--target <uri>',
        'run against an existing deployment (redis://host:port, rediss:// for TLS, redis-sentinel://host:port[,...]/master or redis-cluster://host:port[,...]) instead of starting one; needs --allow-destructive',
      );
    addTlsOptions(run, 'the --target')
      .option('--allow-destructive', 'allow destructive steps against a --target stormdrill did not start')
      .option('--confirm-non-loopback', 'also allow them when --target is not on loopback')
      .option('--keep-work-dir', 'keep the topology work dir (logs, data) after the drill')
      .option(
        '--service-url <url>',
        "a runbook's service workload drives this service (the demo service's API) instead of starting the demo service",
      )
      .option('--json', 'print the report as JSON on stdout (progress goes to stderr)')
      .action(async (ref: string, f: DrillRunFlags) => {
        process.exitCode = await (await import('../drill/run.js')).drillRunCommand(ref, f);
      });

    drill
      .command('list')
      .description('list the shipped runbooks')
      .option('--json', 'print JSON')
      .action(async (f: { json?: boolean }) => (await import('../drill/list.js')).drillListCommand(f));

    drill
      .command('validate')
      .description('validate runbook files (every matrix variant) without running them')
      .argument('<runbook...>', 'runbook names or paths')
      .action(async (refs: string[]) => (await import('../drill/validate.js')).drillValidateCommand(refs));
  },
});
