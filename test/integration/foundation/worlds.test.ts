/** The two worlds are kept apart by the type system: prove a cross import fails to type-check. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { tmpDir } from '../../support/namespace.js';

const TSC = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');

/** Type-check one file with the settings of a project tsconfig. */
async function typecheck(config: 'tsconfig.json' | 'tsconfig.k6.json', code: string, where: string): Promise<string> {
  const dir = tmpDir('worlds');
  const file = join(PROJECT_ROOT, where, `.worlds-probe-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, code);
  const cfg = join(dir, 'tsconfig.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      extends: join(PROJECT_ROOT, config),
      include: [file],
      compilerOptions: { baseUrl: PROJECT_ROOT, typeRoots: [join(PROJECT_ROOT, 'node_modules/@types')] },
    }),
  );
  try {
    const r = await execa('node', [TSC, '-p', cfg], { reject: false, cwd: PROJECT_ROOT });
    return r.stdout;
  } finally {
    (await import('node:fs')).rmSync(file, { force: true });
  }
}

describe('two worlds', () => {
  it('k6 code cannot import Node APIs or use Node globals', async () => {
    const out = await typecheck(
      'tsconfig.k6.json',
      `import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\nexport const b = process.env;\n`,
      'scripts',
    );
    expect(out).toMatch(/TS2307: Cannot find module 'node:fs'/);
    expect(out).toMatch(/Cannot find name 'process'/);
  });

  it('Node code cannot import k6 modules', async () => {
    const out = await typecheck(
      'tsconfig.json',
      `import http from 'k6/http';\nimport { check } from 'k6';\nexport const a = [http, check];\n`,
      'lib',
    );
    expect(out).toMatch(/k6-is-not-available-in-node-code/);
    expect(out).toMatch(/has no exported member 'check'/);
  });

  it('both worlds may share the pure naming module', async () => {
    const out = await typecheck(
      'tsconfig.k6.json',
      `import { keyPrefix } from '../lib/core/naming.ts';\nexport const p = keyPrefix('x');\n`,
      'scripts',
    );
    expect(out).toBe('');
  });
});
