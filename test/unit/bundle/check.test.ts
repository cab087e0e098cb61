import { describe, expect, it } from 'vitest';
import { bundleImports, checkBundleCode } from '../../../lib/bundle/check.js';

describe('bundle check', () => {
  it('accepts k6, k6/* and https:// imports', () => {
    const code = `import { check } from "k6";\nimport http from "k6/http";\nimport { x } from "https://jslib.k6.io/a/1.0/index.js";\nexport default function(){}`;
    expect(bundleImports(code)).toEqual(['k6', 'k6/http', 'https://jslib.k6.io/a/1.0/index.js']);
    expect(checkBundleCode('a.js', code)).toEqual([]);
  });

  it('rejects Node builtins, npm imports, require and process', () => {
    const problems = (code: string) => checkBundleCode('b.js', code).map((p) => p.problem);
    expect(problems('import fs from "node:fs";')).toEqual(["imports Node builtin 'node:fs'"]);
    expect(problems('import { x } from "ioredis";')[0]).toMatch(/only k6/);
    expect(problems('const m = require("x");')).toContain('uses require()');
    expect(problems('console.log(process.env.X)')).toContain('uses process');
    expect(problems('const p = import("os")')[0]).toMatch(/Node builtin 'os'/);
  });
});
