import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'merge',
  order: 42,
  register(program) {
    program
      .command('merge')
      .description('merge the `bench --json` files of the instances of one distributed run exactly (histograms added, rps summed)')
      .argument('<files...>', '`stormdrill bench --json` files of one run: same --testid, one --instance each, run at the same time')
      .option('-o, --output <file>', 'write the merged result here (atomically) instead of to stdout')
      .addHelpText(
        'after',
        `
Examples:
  stormdrill merge pod-0.json pod-1.json pod-2.json > all.json
  stormdrill gate all.json --rule 'SET.p99<=2' --rule 'SET.rps>=150000'`,
      )
      .action(async (files: string[], f: { output?: string }) => {
        const { mergeCli } = await import('../merge/run.js');
        process.exitCode = mergeCli(files, f);
      });
  },
});
