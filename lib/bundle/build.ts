/**
 * esbuild bundling of the k6 scenarios: every scripts/*.ts becomes one ES module
 * dist/k6/<name>.js with an external source map. `k6`, `k6/*` and `https://` imports stay
 * external (k6 provides them); npm code is bundled in.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCENARIO_DIR = join(PROJECT_ROOT, 'scripts');
export const BUNDLE_DIR = join(PROJECT_ROOT, 'dist/k6');

/** The scenario names (scripts/<name>.ts). */
export function scenarioNames(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

export interface BuildResult {
  bundles: string[];
  metafile: Metafile;
  millis: number;
}

/** Bundle the given scenarios (default: all) into `outdir`. */
export async function buildScenarios(names = scenarioNames(), outdir = BUNDLE_DIR, srcDir = SCENARIO_DIR): Promise<BuildResult> {
  const t0 = performance.now();
  const entryPoints = Object.fromEntries(names.map((n) => [n, join(srcDir, `${n}.ts`)]));
  // loaded here, not at import: the built CLI runs without esbuild while the bundles are current
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    external: ['k6', 'k6/*', 'https://*'],
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    minifySyntax: true,
  });
  return { bundles: names.map((n) => join(outdir, `${n}.js`)), metafile: result.metafile, millis: performance.now() - t0 };
}

/** Newest mtime of the sources a bundle depends on (scripts/, lib/k6, lib/core). */
function newestSource(): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of [SCENARIO_DIR, join(PROJECT_ROOT, 'lib/k6'), join(PROJECT_ROOT, 'lib/core')]) walk(d);
  return newest;
}

/** True when dist/k6/<name>.js is missing or older than its sources. */
export function bundleIsStale(name: string, outdir = BUNDLE_DIR): boolean {
  try {
    return statSync(join(outdir, `${name}.js`)).mtimeMs < newestSource();
  } catch {
    return true;
  }
}
