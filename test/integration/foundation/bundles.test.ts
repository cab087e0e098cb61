import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildScenarios, scenarioNames } from '../../../lib/bundle/build.js';
import { checkBundleFile } from '../../../lib/bundle/check.js';
import { startDemoService } from '../../../lib/demo-service/index.js';
import { useTestEnv } from '../../support/env.js';
import { announceK6Tier, k6Bin } from '../../support/k6.js';
import { tmpDir } from '../../support/namespace.js';

const env = useTestEnv({ redis: true });

describe('k6 bundles', () => {
  const out = tmpDir('bundles');
  let built: string[] = [];

  it('bundles every scripts/*.ts into one ES module with an external source map', async () => {
    const r = await buildScenarios(scenarioNames(), out);
    built = r.bundles;
    expect(built.length).toBe(scenarioNames().length);
    expect(built.length).toBeGreaterThan(0);
    for (const b of built) {
      const code = readFileSync(b, 'utf8');
      expect(code).toMatch(/export\s*{[^}]*default/);
      expect(code).toMatch(/sourceMappingURL=.*\.js\.map/);
      expect(JSON.parse(readFileSync(`${b}.map`, 'utf8')).version).toBe(3);
    }
  });

  it('passes the bundle check: only k6 imports, no require/process/Node builtins', () => {
    for (const b of built) expect(checkBundleFile(b), b).toEqual([]);
  });

  it('refuses to bundle a scenario that pulls a Node builtin in, and the check catches one that slips through', async () => {
    const src = tmpDir('bad-src');
    writeFileSync(
      join(src, 'bad.ts'),
      `import { readFileSync, writeFileSync } from 'node:fs';\nexport default function () { readFileSync('x'); }\n`,
    );
    await expect(buildScenarios(['bad'], tmpDir('bad-out'), src)).rejects.toThrow(/node:fs/);
    const slipped = join(tmpDir('bad-out'), 'slipped.js');
    writeFileSync(slipped, `import { readFileSync } from "node:fs";\nexport default function () { return require("x") }\n`);
    expect(checkBundleFile(slipped).map((p) => p.problem)).toEqual(["imports Node builtin 'node:fs'", 'uses require()']);
  });

  describe('under real k6', () => {
    const has = announceK6Tier('bundled smoke scenario against the local demo service');
    it.skipIf(!has)('runs the smoke bundle once against the demo service on a real redis-server', async () => {
      const svc = await startDemoService({ port: 0, redis: env.redis.url, runId: env.namespace.runId });
      try {
        const bundle = built.find((b) => b.endsWith('smoke.js')) as string;
        const r = await execa(k6Bin as string, ['run', '--quiet', '--no-usage-report', '--iterations', '1', '--vus', '1', bundle], {
          env: { BASE_URL: svc.url, TESTID: env.namespace.runId, K6_NO_USAGE_REPORT: 'true' },
          cwd: tmpDir('k6-smoke'),
          reject: false,
          timeout: 60_000,
        });
        expect(r.exitCode, r.stderr).toBe(0);
      } finally {
        await svc.stop();
      }
    });
  });
});
