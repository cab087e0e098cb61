import { defineCommand } from '../command.js';
import { addConnectionOptions } from '../connection-flags.js';
import { durationFlag } from '../flags.js';
import { num } from '../integrity-support.js';

export default defineCommand({
  name: 'fill',
  order: 30,
  register(program) {
    const cmd = program
      .command('fill')
      .description('bulk-load keys in pipe mode (like redis-cli --pipe, without a file) until --keys N or --until-memory 80%');
    addConnectionOptions(cmd)
      .option('--keys <n>', 'keys to write', num('--keys'))
      .option('--until-memory <target>', "stop at this share of maxmemory ('80%') or this used_memory ('2GiB')")
      .option('--run-id <id>', 'run id (default: generated); keys are sd:<run-id>:fill:<n>')
      .option('--key-prefix <prefix>', 'key prefix instead of sd:<run-id>:')
      .option('-d, --value-size <bytes>', 'value bytes (per element for collections)', num('--value-size'))
      .option('--value-size-range <min-max>', 'value bytes drawn per key from MIN-MAX')
      .option('--type <type>', 'string|hash|list|set|zset|mixed', 'string')
      .option('--elements <n>', 'elements per collection key', num('--elements'))
      .option('--ttl-share <fraction>', 'share of keys (0..1) with a TTL', num('--ttl-share'))
      .option('--ttl <d>', 'TTL of those keys, whole seconds, e.g. 3600 or 1h', durationFlag('--ttl', { unit: 's', example: '1h' }))
      .option('--seed <n>', 'seed: the same seed writes the same data', num('--seed'))
      .option('--window <n>', 'commands in flight per connection', num('--window'))
      .option('--mset <n>', 'keys per MSET for fixed-size strings without TTL (1: one SET per key, like redis-cli --pipe)', num('--mset'))
      .option('--allow-eviction', 'fill even when maxmemory-policy would evict keys')
      .option(
        '--max-seconds <d>',
        'hard stop after this long, e.g. 600 (seconds) or 10m',
        durationFlag('--max-seconds', { unit: 's', example: '10m' }),
      )
      .option('--json <file>', 'write the result as JSON (atomically)')
      .option('--prom-rw <url>', 'push live metrics to a Prometheus remote-write URL')
      .option('-q, --quiet', 'no progress output')
      .action(async (f) => {
        const { checkOutputPaths, writeJsonOutput } = await import('../output.js');
        checkOutputPaths([{ flag: '--json', path: f.json }]);
        const { connectionFromFlags } = await import('../connection-flags.js');
        const { progressPrinter, startPromRw, mib, fmtRate } = await import('../integrity-support.js');
        const { runFill } = await import('../../integrity/fill/fill.js');
        const { formatFill } = await import('../../integrity/format.js');
        const { newRunId } = await import('../../core/naming.js');
        const { UserError } = await import('../../core/errors.js');
        let range: [number, number] | undefined;
        if (f.valueSizeRange !== undefined) {
          const m = /^(\d+)-(\d+)$/.exec(String(f.valueSizeRange));
          if (!m) throw new UserError(`--value-size-range must be MIN-MAX (e.g. 64-512), got '${f.valueSizeRange}'`);
          range = [Number(m[1]), Number(m[2])];
        }
        const runId = f.runId ?? newRunId();
        // prom-client is loaded only when something reads the metrics
        const metrics = f.promRw ? new (await import('../../integrity/metrics.js')).FillMetrics(runId) : undefined;
        const stopRw = metrics ? await startPromRw(f.promRw, metrics.registry, runId) : async () => {};
        const bar = await progressPrinter('fill', { quiet: f.quiet });
        try {
          const r = await runFill(
            {
              connection: connectionFromFlags(f),
              runId,
              keyPrefix: f.keyPrefix,
              keys: f.keys,
              untilMemory: f.untilMemory,
              valueSize: f.valueSize,
              valueSizeRange: range,
              type: f.type,
              elements: f.elements,
              ttlShare: f.ttlShare,
              ttlSeconds: f.ttl,
              seed: f.seed,
              window: f.window,
              mset: f.mset,
              allowEviction: f.allowEviction ?? false,
              maxSeconds: f.maxSeconds,
            },
            {
              warn: (m) => process.stderr.write(`stormdrill: ${m}\n`),
              progress: (p) =>
                bar.update(
                  p.fraction,
                  `${p.keys.toLocaleString('en-US')} keys, ${mib(p.bytes)}, ${fmtRate(p.keysPerSecond)} keys/s${p.usedMemory !== null && p.targetMemory !== null ? `, used ${mib(p.usedMemory)} of ${mib(p.targetMemory)}` : ''}${p.etaSeconds !== null ? `, ETA ${p.etaSeconds.toFixed(0)} s` : ''}`,
                ),
            },
            metrics,
          );
          bar.stop();
          console.log(formatFill(r));
          if (f.json) console.log(`json: ${writeJsonOutput('--json', f.json, r)}`);
          if (r.errors > 0) process.exitCode = 1;
        } finally {
          bar.stop();
          await stopRw();
        }
      });
  },
});
