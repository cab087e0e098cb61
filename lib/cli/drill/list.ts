/** `stormdrill drill list`: the shipped runbooks as a table or JSON. */
import { basename } from 'node:path';
import { listRunbookFiles, loadRunbook } from '../../drill/load.js';

export function drillListCommand(f: { json?: boolean }): void {
  const rows = listRunbookFiles().map((file) => {
    const name = basename(file, '.yaml');
    try {
      const rb = loadRunbook(file, { allVariants: true });
      const description = rb.description.trim().split('\n')[0] ?? '';
      const topology = rb.plans[0]?.topology.kind ?? '?';
      return { name, description, variants: rb.plans.length, topology, human: rb.humanFile !== null, file };
    } catch (err) {
      return { name, description: `INVALID: ${(err as Error).message.split('\n')[0]}`, variants: 0, topology: '?', human: false, file };
    }
  });
  if (f.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const w = Math.max(4, ...rows.map((r) => r.name.length));
  process.stdout.write(`${'name'.padEnd(w)}  topology   variants  description\n`);
  for (const r of rows)
    process.stdout.write(`${r.name.padEnd(w)}  ${r.topology.padEnd(9)}  ${String(r.variants).padStart(8)}  ${r.description}\n`);
  process.stdout.write(`\nrun one: stormdrill drill run <name>   (markdown runbook beside each: runbooks/<name>.md)\n`);
}
