import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../../lib/core/errors.js';
import { listRunbookFiles, loadRunbook, planFromText, resolveRunbook } from '../../../lib/drill/load.js';

function errorLines(text: string): string[] {
  try {
    planFromText(text, '/tmp/x/bad.yaml');
  } catch (err) {
    if (err instanceof OptionsError) return err.problems;
    throw err;
  }
  return [];
}

describe('loading runbooks', () => {
  it('names the file, line and field of every problem', () => {
    const lines = errorLines(
      [
        'name: bad', // 1
        'description: x', // 2
        'topology:', // 3
        '  kind: sentinel', // 4
        'steps:', // 5
        '  - action: sleep', // 6
        '    duration: 3 weeks', // 7
        '  - action: teleport', // 8
        'checks:', // 9
        '  maxWriteUnavailable: 1s', // 10
        '  verfy: true', // 11
      ].join('\n'),
    );
    expect(lines).toContain("/tmp/x/bad.yaml:7: steps[0].duration: bad duration '3 weeks': use e.g. 250ms, 2s, 1m30s");
    expect(
      lines.some((l) => l.startsWith("/tmp/x/bad.yaml:8: steps[1].action: unknown step 'teleport': known steps are sleep, crash")),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith('/tmp/x/bad.yaml:11: checks.verfy: unknown field'))).toBe(true);
  });

  it('reports YAML syntax errors with line and column', () => {
    const lines = errorLines('name: x\nsteps: [\n  - a: b\n');
    expect(lines[0]).toMatch(/^\/tmp\/x\/bad\.yaml:\d+:\d+: YAML syntax: /);
  });

  it('a runbook must be a mapping', () => {
    expect(errorLines('- 1\n- 2\n')[0]).toContain('a runbook is a YAML mapping');
  });

  it('finds shipped runbooks by name and explains unknown names', () => {
    expect(resolveRunbook('known-loss')).toMatch(/runbooks\/known-loss\.yaml$/);
    expect(() => resolveRunbook('no-such-drill')).toThrow(
      /runbook 'no-such-drill' not found: give a path to a \.yaml file or one of .*planned-switchover/,
    );
  });
});

describe('every shipped runbook', () => {
  const files = listRunbookFiles();
  it('there is the failure matrix and the failover, switchover and migration procedures', () => {
    const names = files.map((f) => basename(f, '.yaml'));
    for (const n of [
      'primary-fails',
      'replicas-fail',
      'everything-fails',
      'planned-switchover',
      'scale-switch-scale',
      'haproxy-failover',
      'cluster-master-fails',
      'zero-loss-migration',
      'maxmemory-policy',
      'known-loss',
      'freeze-window',
    ])
      expect(names).toContain(n);
  });

  it.each(files.map((f) => [basename(f), f]))('%s validates in every variant and has a four-step human runbook', (_n, file) => {
    const rb = loadRunbook(file, { allVariants: true });
    expect(rb.plans.length).toBeGreaterThan(0);
    for (const p of rb.plans) expect(p.steps.length).toBeGreaterThan(0);
    expect(rb.humanFile).not.toBeNull();
    const md = readFileSync(rb.humanFile as string, 'utf8');
    expect(md).toMatch(/## 1\. Detect and announce/);
    expect(md).toMatch(/## 2\. Classify and fix/);
    expect(md).toMatch(/## 3\. Recover and report/);
    expect(md).toMatch(/## 4\. Retrospective/);
    // names the Grafana panel or the alert that detects it
    expect(md).toMatch(/\*\*Signal:\*\*[\s\S]{0,300}(alert `\w+`|→ \*\*|→\s+\*\*)/);
    expect(md).toContain(`${basename(file)}`);
  });

  it('the failure matrix covers 1..4 replicas, ~60 % and ~80 % memory, writes and idle', () => {
    const variants = loadRunbook('primary-fails', { allVariants: true }).plans;
    expect(new Set(variants.map((p) => p.topology.replicas))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(variants.map((p) => p.preconditions.fillPercent))).toEqual(new Set([60, 80]));
    expect(new Set(variants.map((p) => p.workload.kind))).toEqual(new Set(['write', 'idle']));
  });
});
