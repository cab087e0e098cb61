import { defineCommand } from '../command.js';
import { addConnectionOptions } from '../connection-flags.js';
import { durationFlag } from '../flags.js';
import { num } from '../integrity-support.js';

export default defineCommand({
  name: 'write',
  order: 31,
  register(program) {
    const cmd = program
      .command('write')
      .description('write sequence-numbered records continuously, record every outcome in a ledger, and measure unavailability windows');
    addConnectionOptions(cmd)
      .option('--run-id <id>', 'run id (default: generated); keys are sd:<run-id>:w:<seq>')
      .option('--key-prefix <prefix>', 'key prefix instead of sd:<run-id>:')
      .option('--mode <mode>', 'set|incr|rpush|xadd', 'set')
      .option('-d, --value-size <bytes>', 'value bytes (carries the seq and a checksum)', num('--value-size'))
      .option('--rate <n>', 'writes per second (default: as fast as --concurrency allows)', num('--rate'))
      .option('-c, --concurrency <n>', 'writes in flight', num('--concurrency'))
      .option(
        '--duration <d>',
        'stop after this long, e.g. 120 (seconds) or 2m (default: until Ctrl-C)',
        durationFlag('--duration', { unit: 's', example: '2m' }),
      )
      .option('--max-writes <n>', 'stop after this many writes', num('--max-writes'))
      .option(
        '--timeout <d>',
        'a write without a reply after this is "unknown", e.g. 500ms or 2s (give the unit)',
        durationFlag('--timeout', { unit: 'ms', bare: 'refuse', example: '500ms' }),
      )
      .option('--ledger <file>', 'ledger file (default reports/<run-id>/ledger)')
      .option('--read-rate <n>', 'read probes per second (measures read unavailability)', num('--read-rate'))
      .option(
        '--no-follow-switch-master',
        "with --sentinel: do not move on +switch-master (only on errors), as many application clients do; the summary's split window counts what that loses",
      )
      .option('--json <file>', 'write the result as JSON (atomically)')
      .option('--prom-rw <url>', 'push live metrics to a Prometheus remote-write URL')
      .option('--metrics-port <port>', 'serve live metrics on http://127.0.0.1:PORT/metrics', num('--metrics-port'))
      .option('-q, --quiet', 'no progress output')
      .action(async (f) => {
        const { connectionFromFlags } = await import('../connection-flags.js');
        const { startPromRw, fmtRate } = await import('../integrity-support.js');
        const { checkOutputPaths, writeJsonOutput } = await import('../output.js');
        const { startWriter, WriteMetrics } = await import('../../integrity/index.js');
        const { formatWrite, formatWindow, formatSwitch } = await import('../../integrity/format.js');
        const { newRunId, isValidRunId, reportDir } = await import('../../core/naming.js');
        const { registerCleanup } = await import('../../core/lifecycle.js');
        const { UserError } = await import('../../core/errors.js');
        if (f.runId !== undefined && !isValidRunId(f.runId))
          throw new UserError('--run-id must be lower-case letters, digits and dashes (at most 48)');
        const runId: string = f.runId ?? newRunId();
        const ledgerPath: string = f.ledger ?? `${reportDir(runId)}/ledger`;
        // before the metrics port, the connection or any key: a bad path costs nothing
        checkOutputPaths([
          { flag: '--ledger', path: ledgerPath, kind: 'new-file' },
          { flag: '--json', path: f.json },
        ]);
        const metrics = new WriteMetrics(runId);
        // the port first: a busy one must stop the run before anything is written
        let server: { stop(): Promise<void> } | null = null;
        if (f.metricsPort !== undefined) {
          const { serveMetrics } = await import('../../observability/metrics-server.js');
          server = await serveMetrics(metrics.registry, { port: f.metricsPort });
        }
        const writer = await startWriter(
          {
            connection: connectionFromFlags(f),
            runId,
            keyPrefix: f.keyPrefix,
            mode: f.mode,
            valueSize: f.valueSize,
            rate: f.rate,
            concurrency: f.concurrency,
            durationSeconds: f.duration,
            maxWrites: f.maxWrites,
            timeoutMs: f.timeout,
            ledgerPath,
            readRate: f.readRate,
            followSwitchMaster: f.followSwitchMaster,
          },
          metrics,
        ).catch(async (err: unknown) => {
          await server?.stop();
          throw err;
        });
        const stopRw = await startPromRw(f.promRw, metrics.registry, runId);
        if (!f.quiet) {
          process.stderr.write(`write: run ${runId}, ledger ${ledgerPath}; Ctrl-C stops\n`);
          writer.on('tick', (t) => {
            const win = t.writeWindow ? ` | WRITES UNAVAILABLE since ${((Date.now() - t.writeWindow.startMs) / 1000).toFixed(1)} s` : '';
            const rwin = t.readWindow ? ` | READS UNAVAILABLE since ${((Date.now() - t.readWindow.startMs) / 1000).toFixed(1)} s` : '';
            process.stderr.write(
              `write: ${t.elapsedSeconds.toFixed(0)} s, ${fmtRate(t.ackedPerSecond)} acked/s, acked ${t.acked}, failed ${t.failed}, unknown ${t.unknown}, ledger ${t.ledgerRecorded}${win}${rwin}\n`,
            );
          });
          writer.on('window', ({ op, window }) => process.stderr.write(`write: ${op} window closed: ${formatWindow(window)}\n`));
        }
        // master changes are always logged: they are what a switchover test is about
        writer.on('masterChanged', (c) =>
          process.stderr.write(
            `write: master changed ${c.from} → ${c.to} (${c.reason === '+switch-master' ? `+switch-master from ${c.sentinel}` : c.reason})\n`,
          ),
        );
        writer.on('switchSeen', (c) =>
          process.stderr.write(`write: +switch-master ${c.from} → ${c.to} from ${c.sentinel}: not followed (--no-follow-switch-master)\n`),
        );
        writer.on('split', (s) => process.stderr.write(`write: ${formatSwitch(s)}\n`));
        let finished = false;
        const finish = async () => {
          if (finished) return;
          finished = true;
          const r = await writer.stop();
          await stopRw();
          await server?.stop();
          console.log(formatWrite(r));
          if (f.json) console.log(`json: ${writeJsonOutput('--json', f.json, r)}`);
        };
        // Ctrl-C is the normal way to end an open-ended run: stop cleanly, close the ledger, print the result
        const unregister = registerCleanup('stop the writer', finish);
        await writer.done;
        unregister();
        await finish();
      });
  },
});
