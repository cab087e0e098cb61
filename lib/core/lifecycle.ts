/**
 * Cleanup on success, failure, SIGINT and SIGTERM. Library code registers what must be
 * undone (stop processes, thaw frozen nodes, remove network faults, write a partial
 * report); the CLI installs the signal handlers once.
 */

type Cleanup = () => Promise<void> | void;

const cleanups: Array<{ name: string; fn: Cleanup }> = [];
const syncKillers = new Set<() => void>();
const interruptListeners = new Set<(signal: NodeJS.Signals) => void>();
let installed = false;
let running: Promise<void> | null = null;

/** Register a cleanup; returns the function that unregisters it. Cleanups run LIFO. */
export function registerCleanup(name: string, fn: Cleanup): () => void {
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/**
 * Be told at once when SIGINT/SIGTERM arrives, before any cleanup runs (cleanups run one
 * after another, LIFO): a long operation can stop early, while the processes it started
 * are still being stopped. Returns the function that unregisters the listener.
 */
export function onInterrupt(fn: (signal: NodeJS.Signals) => void): () => void {
  interruptListeners.add(fn);
  return () => interruptListeners.delete(fn);
}

/**
 * Register a synchronous last-resort action run on process 'exit' (e.g. SIGKILL of a
 * child), for exits that skip async cleanups.
 */
export function registerExitKiller(fn: () => void): () => void {
  syncKillers.add(fn);
  ensureExitHook();
  return () => syncKillers.delete(fn);
}

let exitHooked = false;
function ensureExitHook(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const k of syncKillers) {
      try {
        k();
      } catch {
        /* best effort at exit */
      }
    }
  });
}

/** Run every registered cleanup (LIFO), each bounded by `timeoutMs`. */
export function runCleanups(timeoutMs = 10_000): Promise<void> {
  if (running) return running;
  running = (async () => {
    while (cleanups.length > 0) {
      const c = cleanups.pop();
      if (!c) break;
      if (process.env.STORMDRILL_DEBUG === '1') process.stderr.write(`cleanup: ${c.name}\n`);
      try {
        await Promise.race([Promise.resolve(c.fn()), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      } catch (err) {
        process.stderr.write(`cleanup '${c.name}' failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  })().finally(() => {
    running = null;
  });
  return running;
}

/** Install SIGINT/SIGTERM handlers: run cleanups, then exit 130 / 143. Idempotent. */
export function installSignalHandlers(onSignal?: (signal: NodeJS.Signals) => void): void {
  if (installed) return;
  installed = true;
  ensureExitHook();
  const handle = (signal: NodeJS.Signals, code: number) => {
    let second = false;
    return () => {
      if (second) process.exit(code);
      second = true;
      onSignal?.(signal);
      for (const l of interruptListeners) {
        try {
          l(signal);
        } catch {
          /* a listener only flags its own work */
        }
      }
      process.stderr.write(`\n${signal} received: stopping everything this run started...\n`);
      void runCleanups().finally(() => process.exit(code));
    };
  };
  process.on('SIGINT', handle('SIGINT', 130));
  process.on('SIGTERM', handle('SIGTERM', 143));
}
