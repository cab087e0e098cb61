import { createServer } from 'node:net';
import { UserError } from '../core/errors.js';

/** True when nothing listens on host:port (we can bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the kernel says is free right now (bind to 0, read it, release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Fail with one clear line when a port the user asked for is taken. */
export async function assertPortFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  if (!(await isPortFree(port, host))) {
    throw new UserError(`port ${port} on ${host} (${what}) is already in use: choose another port or stop what listens there`);
  }
}

/**
 * Hands out ports from a fixed block (a test worker's namespace), skipping ports that are
 * in use. Without a block it asks the kernel for free ports.
 */
export class PortAllocator {
  private next: number;
  constructor(
    private readonly base?: number,
    private readonly limit?: number,
  ) {
    this.next = base ?? 0;
  }

  async take(host = '127.0.0.1'): Promise<number> {
    if (this.base === undefined || this.limit === undefined) return freePort(host);
    while (this.next <= this.limit) {
      const p = this.next++;
      if (await isPortFree(p, host)) return p;
    }
    throw new UserError(`no free port left in ${this.base}-${this.limit}: stop leftover processes or widen the block`);
  }
}
