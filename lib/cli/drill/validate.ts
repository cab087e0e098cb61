/** `stormdrill drill validate`: load every variant of each runbook without running it. */
import { basename } from 'node:path';
import { OptionsError, UserError } from '../../core/errors.js';
import { loadRunbook } from '../../drill/load.js';

export function drillValidateCommand(refs: string[]): void {
  const problems: string[] = [];
  for (const ref of refs) {
    try {
      const rb = loadRunbook(ref, { allVariants: true });
      if (!rb.humanFile) problems.push(`${rb.file}: no markdown runbook beside it (${basename(rb.file, '.yaml')}.md)`);
      else process.stdout.write(`ok ${rb.file}: ${rb.plans.length} variant(s), ${rb.plans[0]?.steps.length ?? 0} step(s)\n`);
    } catch (err) {
      if (err instanceof UserError) problems.push(...err.message.split('\n'));
      else throw err;
    }
  }
  if (problems.length) throw new OptionsError(problems);
}
