/**
 * Managed child processes: started with their output in a log file, tracked so they are
 * always stopped (on stop(), on cleanup at SIGINT/SIGTERM, and SIGKILLed at exit), and
 * listed in the pid registry that the test suite's no-orphan check reads.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { StartError } from '../core/errors.js';
import { registerCleanup, registerExitKiller } from '../core/lifecycle.js';

/** Directory where every started process leaves `<pid>` while it runs (tests set it). */
export const PID_REGISTRY_ENV = 'STORMDRILL_PID_REGISTRY';

export interface SpawnOptions {
  /** Short name used in messages, e.g. `redis-server:21003`. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** File receiving stdout and stderr. */
  logFile: string;
  env?: Record<string, string>;
}

export type ProcessState = 'running' | 'frozen' | 'exited';

export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  private readonly child: ResultPromise;
  private state: ProcessState = 'running';
  private exitInfo: { code: number | null; signal: string | null } | null = null;
  readonly exited: Promise<void>;
  private readonly unregisterCleanup: () => void;
  private readonly unregisterKiller: () => void;

  constructor(opts: SpawnOptions) {
    this.name = opts.name;
    this.logFile = opts.logFile;
    writeFileSync(opts.logFile, '');
    this.child = execa(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: true,
      stdin: 'ignore',
      stdout: { file: opts.logFile, append: true },
      stderr: { file: opts.logFile, append: true },
      reject: false,
      cleanup: true,
      buffer: false,
    });
    if (this.child.pid === undefined) throw new StartError(`${opts.name}: could not start ${opts.command}`);
    this.pid = this.child.pid;
    registryAdd(this.pid, opts.name);
    this.exited = this.child.then((r) => {
      this.state = 'exited';
      this.exitInfo = { code: r.exitCode ?? null, signal: r.signal ?? null };
      registryRemove(this.pid);
      this.unregisterCleanup();
      this.unregisterKiller();
    });
    this.unregisterCleanup = registerCleanup(`stop ${opts.name}`, () => this.stop());
    this.unregisterKiller = registerExitKiller(() => {
      if (this.state !== 'exited') process.kill(this.pid, 'SIGKILL');
    });
  }

  get running(): boolean {
    return this.state !== 'exited';
  }
  get status(): ProcessState {
    return this.state;
  }
  get exit(): { code: number | null; signal: string | null } | null {
    return this.exitInfo;
  }

  /** Last lines of the log, for error messages. */
  tail(lines = 5): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join(' | ');
    } catch {
      return '';
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.state === 'exited') return;
    try {
      process.kill(this.pid, sig);
    } catch {
      /* already gone */
    }
    if (sig === 'SIGSTOP') this.state = 'frozen';
    if (sig === 'SIGCONT' && this.state === 'frozen') this.state = 'running';
  }

  /** kill -9, and wait until it is gone. */
  async crash(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
  freeze(): void {
    this.signal('SIGSTOP');
  }
  thaw(): void {
    this.signal('SIGCONT');
  }

  /** Graceful stop: thaw if frozen, SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.state === 'exited') return;
    if (this.state === 'frozen') this.thaw();
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function registryAdd(pid: number, name: string): void {
  const dir = process.env[PID_REGISTRY_ENV];
  if (dir) writeFileSync(join(dir, String(pid)), name);
}
function registryRemove(pid: number): void {
  const dir = process.env[PID_REGISTRY_ENV];
  if (dir) rmSync(join(dir, String(pid)), { force: true });
}

/** Start a process. */
export function spawnManaged(opts: SpawnOptions): ManagedProcess {
  return new ManagedProcess(opts);
}

/**
 * Poll `check` until it returns true, the process dies, or `timeoutMs` passes. Throws a
 * StartError with the process' last log lines in the last two cases.
 */
export async function waitReady(proc: ManagedProcess, check: () => Promise<boolean>, timeoutMs = 15_000, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.running) {
      throw new StartError(`${proc.name} exited during start (${proc.tail() || 'no output'})`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      await proc.stop(500);
      throw new StartError(`${proc.name} was not ready after ${timeoutMs} ms (${proc.tail() || 'no output'})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
