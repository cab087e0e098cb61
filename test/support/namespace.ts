/**
 * The one place a test worker's namespace is derived: its port block, key prefix, run id
 * and temp dir. Every test file gets its own slot, so files that
 * run one after another in the same worker never share keys.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkerNamespace, workerNamespace } from '../../lib/core/naming.js';
import { PortAllocator } from '../../lib/stack/ports.js';

const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1);
const suite = process.env.STORMDRILL_SUITE ?? 'local';
const slot = Math.random().toString(36).slice(2, 6);

export const namespace: WorkerNamespace = workerNamespace(worker, suite, slot);

/** Ports from this worker's block only. */
export const ports = new PortAllocator(namespace.portBase, namespace.portLimit);

/** This worker's own loopback /24 (topology option addressBlock): members of a topology get .2, .3, ... */
export const addressBlock = namespace.addressBlock;

const tmpRoot = join(tmpdir(), `stormdrill-test-${namespace.runId}`);

/** A temp dir inside this file's namespace; removed by the caller or by removeTmpRoot(). */
export function tmpDir(label: string): string {
  const d = join(tmpRoot, `${label}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(d, { recursive: true });
  return d;
}

export function removeTmpRoot(): void {
  rmSync(tmpRoot, { recursive: true, force: true });
}
