/**
 * esbuild bundling of the CLI itself: lib/cli/main.ts (and the bench worker thread's entry)
 * become plain ES modules in dist/cli/, so an installed package starts without compiling
 * TypeScript. Every dynamic `import()` of the library stays a separate chunk, loaded only
 * when a command runs. npm packages stay external (installed as dependencies).
 *
 * dist/cli sits two levels below the project root like lib/<part>/, so every
 * `new URL('../../…', import.meta.url)` in the library (package.json, runbooks/,
 * prometheus/) resolves the same in the bundle as in the sources.
 *
 * dist/cli/build.json lists the sources the bundle was made from and when the build
 * started: bin/stormdrill.js runs the bundle from a checkout only while none of them is
 * newer (a stale build never runs old code in development).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from './build.js';

export const CLI_DIR = join(PROJECT_ROOT, 'dist/cli');
/** The bundle's entry (exports `main`) and the bench worker thread's entry. */
export const CLI_ENTRY = 'stormdrill.js';
export const BENCH_WORKER_ENTRY = 'bench-worker.js';
export const CLI_MANIFEST = 'build.json';

export interface CliManifest {
  /** Date.now() when the build started: a source modified after it makes the build stale. */
  startedMs: number;
  /** Source files (relative to the project root) the bundle holds, and package.json. */
  inputs: string[];
}

/** Inputs of an esbuild metafile that belong to the project (not node_modules), sorted. Pure. */
export function projectInputs(metafileInputs: Iterable<string>): string[] {
  const own = [...metafileInputs].filter((f) => !f.split('/').includes('node_modules'));
  return [...new Set([...own, 'package.json'])].sort();
}

export async function buildCli(outdir = CLI_DIR): Promise<{ files: string[]; millis: number; manifest: CliManifest }> {
  const startedMs = Date.now();
  const t0 = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: {
      [CLI_ENTRY.replace(/\.js$/, '')]: 'lib/cli/main.ts',
      [BENCH_WORKER_ENTRY.replace(/\.js$/, '')]: 'lib/bench/worker.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // chunks beside the entries: same directory depth for every import.meta.url
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const manifest: CliManifest = { startedMs, inputs: projectInputs(Object.keys(result.metafile.inputs)) };
  const files = Object.keys(result.metafile.outputs).map((f) => relative(PROJECT_ROOT, join(PROJECT_ROOT, f)));
  // chunks of earlier builds (content-hashed names) go only now, after the new ones exist
  const keep = new Set(files.map((f) => join(PROJECT_ROOT, f)));
  mkdirSync(outdir, { recursive: true });
  for (const f of readdirSync(outdir)) if (!keep.has(join(outdir, f))) rmSync(join(outdir, f), { force: true });
  writeFileSync(join(outdir, CLI_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  return { files, millis: performance.now() - t0, manifest };
}
