import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildScenarios, scenarioNames } from '../../../lib/bundle/build.js';
import { checkBundleFile } from '../../../lib/bundle/check.js';
import { announceK6Tier, k6Bin } from '../../support/k6.js';
import { ports, tmpDir } from '../../support/namespace.js';

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
    const has = announceK6Tier('bundled smoke scenario against a local HTTP target');
    it.skipIf(!has)('runs the smoke bundle against a local HTTP target', async () => {
      const port = await ports.take();
      let hits = 0;
      const srv = createServer((req, res) => {
        hits++;
        res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok');
      }).listen(port, '127.0.0.1');
      try {
        const bundle = built.find((b) => b.endsWith('smoke.js')) as string;
        const r = await execa(k6Bin as string, ['run', '--quiet', '--no-usage-report', bundle], {
          env: { BASE_URL: `http://127.0.0.1:${port}`, ITERATIONS: '3', TESTID: 'bundle-test' },
          reject: false,
          timeout: 60_000,
        });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(hits).toBe(3);
      } finally {
        srv.close();
      }
    });
  });
});
