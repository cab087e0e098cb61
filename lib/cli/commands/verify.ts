import { Command } from 'commander';
import { defineCommand } from '../command.js';
import { collect } from '../connection-flags.js';
import { durationFlag } from '../flags.js';
import { num } from '../integrity-support.js';

export default defineCommand({
  name: 'verify',
  order: 33,
  register(program) {
    const cmd = new Command('verify')
      .description('compare two endpoints key by key in both directions (type, value, missing, TTL), over several rounds')
      .requiredOption('--source <uri>', 'redis://[user:password@]host:port[/db] (rediss:// for TLS)')
      .requiredOption('--target <uri>', 'redis://[user:password@]host:port[/db] (rediss:// for TLS)')
      .option('--cluster', 'both endpoints are Redis Clusters (scanned node by node)')
      .option('--source-cluster', 'the source is a Redis Cluster')
      .option('--target-cluster', 'the target is a Redis Cluster')
      .option(
        '--source-sentinel <host:port>',
        'find the source master through this Sentinel (repeatable; with --source-master-name)',
        collect,
      )
      .option('--source-master-name <name>', 'master name for --source-sentinel')
      .option(
        '--target-sentinel <host:port>',
        'find the target master through this Sentinel (repeatable; with --target-master-name)',
        collect,
      )
      .option('--target-master-name <name>', 'master name for --target-sentinel')
      .option('--tls-insecure', 'do not verify TLS certificates (rediss://)')
      .option('--rounds <n>', 'rounds; later rounds re-check only the conflicts', num('--rounds'))
      .option(
        '--interval <d>',
        'time between rounds, e.g. 2 (seconds) or 500ms',
        durationFlag('--interval', { unit: 's', example: '2s', allowZero: true }),
      )
      .option('--compare <mode>', 'value|length|keys', 'value')
      .option('--qps <n>', 'keys read per second per side (0: no limit)', num('--qps'))
      .option('--match <pattern>', "SCAN MATCH pattern, e.g. 'sd:<run-id>:*'")
      .option('--batch <n>', 'keys per SCAN batch', num('--batch'))
      .option('--samples <n>', 'sample keys shown per conflict kind', num('--samples'))
      .option('--one-way', 'only check that every source key is on the target (skip the reverse scan)')
      .option(
        '--ttl-tolerance <d>',
        'TTLs may differ by this much, e.g. 500ms or 2s (give the unit)',
        durationFlag('--ttl-tolerance', { unit: 'ms', bare: 'refuse', example: '500ms', allowZero: true }),
      )
      .option('--json <file>', 'write the result as JSON (atomically)')
      .action(async (f) => {
        const { checkOutputPaths, writeJsonOutput } = await import('../output.js');
        checkOutputPaths([{ flag: '--json', path: f.json }]);
        const { runVerify } = await import('../../integrity/index.js');
        const { formatVerify } = await import('../../integrity/format.js');
        const tls = f.tlsInsecure ? { insecure: true } : undefined;
        // messages name verify's own flags: the URI of each side, never -a/--pass it does not have
        const hintsFor = (flag: '--source' | '--target') => ({
          address: `the host:port in ${flag}`,
          auth: `the password in ${flag}`,
          tls: `rediss:// in ${flag} (or --tls-insecure)`,
          db: `the /db of ${flag}`,
          cluster: `--cluster/${flag}-cluster`,
        });
        const side = (flag: '--source' | '--target', uri: string, cluster: boolean, sentinels?: string[], masterName?: string) =>
          sentinels?.length
            ? {
                sentinels,
                masterName,
                password: new URL(uri).password ? decodeURIComponent(new URL(uri).password) : undefined,
                hints: hintsFor(flag),
              }
            : { uri, uriFlag: 'the URI', cluster, tls: uri.startsWith('rediss') ? (tls ?? true) : undefined, hints: hintsFor(flag) };
        const r = await runVerify(
          {
            source: side('--source', f.source, Boolean(f.cluster || f.sourceCluster), f.sourceSentinel, f.sourceMasterName),
            target: side('--target', f.target, Boolean(f.cluster || f.targetCluster), f.targetSentinel, f.targetMasterName),
            rounds: f.rounds,
            interval: f.interval,
            compare: f.compare,
            qps: f.qps,
            match: f.match,
            batchSize: f.batch,
            samples: f.samples,
            bothDirections: !f.oneWay,
            ttlToleranceMs: f.ttlTolerance,
          },
          {
            progress: (p) => {
              if (process.stderr.isTTY)
                process.stderr.write(`\rverify: round ${p.round} ${p.phase} ${p.keys} keys, ${p.conflicts} open conflicts   `);
            },
          },
        );
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(formatVerify(r));
        if (f.json) console.log(`json: ${writeJsonOutput('--json', f.json, r)}`);
        if (!r.passed) process.exitCode = 1;
      });
    program.addCommand(cmd);
  },
});
