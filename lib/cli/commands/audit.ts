import { defineCommand } from '../command.js';
import { addConnectionOptions } from '../connection-flags.js';
import { num } from '../integrity-support.js';

export default defineCommand({
  name: 'audit',
  order: 32,
  register(program) {
    const cmd = program
      .command('audit')
      .description('read a writer ledger and the target: acked-but-lost, acked-but-corrupt, failed-but-present, unknown-present/absent');
    addConnectionOptions(cmd)
      .requiredOption('--ledger <file>', 'the ledger `stormdrill write` wrote')
      .option('--run-id <id>', 'refuse a ledger of another run')
      .option('--allow-loss <n>', 'acknowledged writes that may be lost before the audit fails', num('--allow-loss'))
      .option('--batch <n>', 'keys per read batch', num('--batch'))
      .option('--samples <n>', 'sample keys shown per class', num('--samples'))
      .option('--allow-truncated', 'audit the intact blocks of a truncated ledger and say how many recorded outcomes were cut off')
      .option('--json <file>', 'write the result as JSON (atomically)')
      .action(async (f) => {
        const { checkOutputPaths, writeJsonOutput } = await import('../output.js');
        checkOutputPaths([{ flag: '--json', path: f.json }]);
        const { connectionFromFlags } = await import('../connection-flags.js');
        const { runAudit } = await import('../../integrity/index.js');
        const { formatAudit } = await import('../../integrity/format.js');
        const r = await runAudit({
          ledgerPath: f.ledger,
          connection: connectionFromFlags(f),
          runId: f.runId,
          allowLoss: f.allowLoss,
          batchSize: f.batch,
          samples: f.samples,
          allowTruncated: f.allowTruncated,
        });
        console.log(formatAudit(r));
        if (f.json) console.log(`json: ${writeJsonOutput('--json', f.json, r)}`);
        if (!r.passed) process.exitCode = 1;
      });
  },
});
