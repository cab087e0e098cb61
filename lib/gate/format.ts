/** The gate's verdict as text and JUnit XML (pure). */
import { junitXml } from '../core/junit.js';
import type { GateResult } from './evaluate.js';

export function formatGate(r: GateResult, header: string): string {
  const width = Math.min(48, Math.max(10, ...r.checks.map((c) => c.name.length)));
  const lines = [header];
  for (const c of r.checks) lines.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}`);
  if (r.checks.length === 0) lines.push('  (nothing to check: give --rule or --baseline)');
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? `gate: passed (${r.checks.length} checks)` : `gate: FAILED (${failed} of ${r.checks.length} checks)`);
  return `${lines.join('\n')}\n`;
}

export function gateJUnit(r: GateResult, properties: Record<string, string>): string {
  return junitXml({
    title: 'stormdrill gate',
    name: 'stormdrill gate',
    seconds: 0,
    properties,
    cases: r.checks.map((c) => ({
      name: c.name,
      classname: `gate.${c.kind}`,
      ...(c.ok ? {} : { failure: c.detail }),
    })),
  });
}
