/**
 * Shared CLI helpers of fill, write, audit and verify (and mirror's --prom-rw): number
 * flags, live progress (a bar on a TTY, plain lines otherwise) and the `--prom-rw URL`
 * metrics push. The connection flags are lib/cli/connection-flags.ts; output paths
 * lib/cli/output.ts.
 */
import type { Registry } from 'prom-client';
import { UserError } from '../core/errors.js';

/** A number flag parser for commander that rejects junk with one line. */
export function num(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UserError(`${flag} must be a number, got '${v}'`);
    return n;
  };
}

/** Progress output: a cli-progress bar on a TTY, one plain line per `everyMs` otherwise. */
export async function progressPrinter(label: string, opts: { quiet?: boolean; everyMs?: number } = {}) {
  const tty = process.stderr.isTTY === true && !opts.quiet;
  let last = 0;
  if (tty) {
    const { SingleBar, Presets } = await import('cli-progress');
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {text}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
      Presets.shades_classic,
    );
    bar.start(100, 0, { text: '' });
    return {
      update(fraction: number | null, text: string) {
        bar.update(fraction === null ? 0 : Math.round(fraction * 1000) / 10, { text });
      },
      stop() {
        bar.stop();
      },
    };
  }
  return {
    update(_fraction: number | null, text: string) {
      if (opts.quiet) return;
      const now = Date.now();
      if (now - last < (opts.everyMs ?? 1000)) return;
      last = now;
      process.stderr.write(`${label}: ${text}\n`);
    },
    stop() {},
  };
}

/** Start pushing a registry to a remote-write URL; returns a stop function. */
export async function startPromRw(url: string | undefined, registry: Registry, testid: string): Promise<() => Promise<void>> {
  if (!url) return async () => {};
  const { startRemoteWritePush } = await import('../observability/remote-write.js');
  const pusher = startRemoteWritePush({
    url,
    registry,
    intervalMs: 1000,
    labels: { testid },
    onError: (m) => process.stderr.write(`stormdrill: remote write: ${m}\n`),
  });
  return () => pusher.stop();
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function fmtRate(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0);
}
