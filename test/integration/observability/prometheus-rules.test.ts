/** promtool: the config, the recording/alert rules and their unit tests with input series. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireBinary } from '../../../lib/stack/binaries.js';
import { PROMETHEUS_DIR } from '../../../lib/stack/prometheus.js';

const promtool = requireBinary('promtool');
const files = (sub: string) =>
  readdirSync(join(PROMETHEUS_DIR, sub))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(PROMETHEUS_DIR, sub, f));

describe('prometheus rules', () => {
  it('promtool check config accepts prometheus.yml and loads every rule file', async () => {
    const r = await execa(promtool, ['check', 'config', join(PROMETHEUS_DIR, 'prometheus.yml')], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    for (const f of files('rules')) expect(r.stdout).toContain(f.slice(PROMETHEUS_DIR.length + 1));
  });

  it('promtool check rules accepts every rule file', async () => {
    const rules = files('rules');
    expect(rules.length).toBeGreaterThanOrEqual(3);
    const r = await execa(promtool, ['check', 'rules', ...rules], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.match(/SUCCESS/g)?.length).toBe(rules.length);
  });

  it('promtool test rules: every rule file has unit tests, and they pass', async () => {
    const tests = files('tests');
    const r = await execa(promtool, ['test', 'rules', ...tests], { reject: false, cwd: PROMETHEUS_DIR });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.match(/SUCCESS/g)?.length).toBe(tests.length);
    const covered = new Set(tests.flatMap((t) => [...readFileSync(t, 'utf8').matchAll(/\.\.\/rules\/([\w.-]+\.yml)/g)].map((m) => m[1])));
    for (const f of files('rules')) expect(covered, `no promtool test covers ${f}`).toContain(f.split('/').pop());
    // every alert is exercised by at least one alert_rule_test
    const alerts = files('rules').flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]));
    const testText = tests.map((t) => readFileSync(t, 'utf8')).join('\n');
    for (const a of alerts) expect(testText, `no promtool test for alert ${a}`).toContain(`alertname: ${a}`);
  });

  it('a wrong expectation makes promtool test rules fail (the tests can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-promtool-'));
    try {
      const text = readFileSync(join(PROMETHEUS_DIR, 'tests', 'stormdrill.test.yml'), 'utf8')
        .replaceAll('../rules/', `${PROMETHEUS_DIR}/rules/`)
        .replace('3 acknowledged writes lost', '4 acknowledged writes lost');
      writeFileSync(join(dir, 'broken.test.yml'), text);
      const r = await execa(promtool, ['test', 'rules', join(dir, 'broken.test.yml')], { reject: false });
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/FAILED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
