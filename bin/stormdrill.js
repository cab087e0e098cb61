#!/usr/bin/env node
// The stormdrill CLI. An installed package runs the esbuild bundle in dist/cli/ (plain
// JavaScript, `npm run build`; `npm pack` builds it). A checkout runs the bundle only while
// no source it was built from is newer than the build (dist/cli/build.json lists them), and
// otherwise the TypeScript sources through tsx's loader: a stale build never runs old code.
// STORMDRILL_ENTRY=sources forces the sources; STORMDRILL_ENTRY=built requires a current build.
import { readFileSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const installed = root.includes(`${sep}node_modules${sep}`);

/** Why the build cannot run here, or null when it can. */
function buildProblem() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('../dist/cli/build.json', import.meta.url), 'utf8'));
  } catch {
    return 'dist/cli is not built (run npm run build)';
  }
  if (installed) return null;
  for (const f of manifest.inputs) {
    let mtime;
    try {
      mtime = statSync(root + f).mtimeMs;
    } catch {
      return `${f}, which dist/cli was built from, is gone (run npm run build)`;
    }
    if (mtime > manifest.startedMs) return `${f} changed after dist/cli was built (run npm run build)`;
  }
  return null;
}

const want = process.env.STORMDRILL_ENTRY;
const problem = want === 'sources' ? 'sources asked for' : buildProblem();
if (problem !== null && want === 'built') {
  process.stderr.write(`stormdrill: STORMDRILL_ENTRY=built but ${problem}\n`);
  process.exit(2);
}
let main;
if (problem === null) {
  ({ main } = await import('../dist/cli/stormdrill.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../lib/cli/main.ts'));
}
await main(process.argv);
