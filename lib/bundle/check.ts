/**
 * The bundle check: a k6 bundle may import only `k6`, `k6/*` and `https://` modules, and
 * must not use `require`, `process`, `__dirname` or any Node builtin (k6's runtime has none).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

export interface BundleProblem {
  bundle: string;
  problem: string;
}

const ALLOWED_IMPORT = /^(k6|k6\/[\w/-]+|https:\/\/\S+)$/;
const IMPORT_RE = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;
const NODE_GLOBALS: Array<[RegExp, string]> = [
  [/\brequire\s*\(/, 'uses require()'],
  [/\bprocess\.(env|argv|exit|cwd|platform|nextTick)\b/, 'uses process'],
  [/\b__dirname\b|\b__filename\b/, 'uses __dirname/__filename'],
  [/\bBuffer\.(from|alloc|concat)\b/, 'uses Buffer'],
];
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The module specifiers a bundle imports. */
export function bundleImports(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (spec) out.add(spec);
  }
  return [...out];
}

/** Problems found in one bundle's code (empty when it is fine). */
export function checkBundleCode(bundle: string, code: string): BundleProblem[] {
  const problems: BundleProblem[] = [];
  for (const spec of bundleImports(code)) {
    if (BUILTINS.has(spec)) problems.push({ bundle, problem: `imports Node builtin '${spec}'` });
    else if (!ALLOWED_IMPORT.test(spec)) problems.push({ bundle, problem: `imports '${spec}' (only k6, k6/* and https:// are allowed)` });
  }
  for (const [re, what] of NODE_GLOBALS) if (re.test(code)) problems.push({ bundle, problem: what });
  return problems;
}

export function checkBundleFile(path: string): BundleProblem[] {
  return checkBundleCode(path, readFileSync(path, 'utf8'));
}
