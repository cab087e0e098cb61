/** A /metrics endpoint for a prom-client Registry (Prometheus pulls instead of push). */
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import { UserError } from '../core/errors.js';

export interface MetricsServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function serveMetrics(registry: Registry, o: { port: number; host?: string }): Promise<MetricsServer> {
  const host = o.host ?? '127.0.0.1';
  const srv = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  return new Promise((resolve, reject) => {
    srv.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${o.port}`;
      if (err.code === 'EADDRINUSE')
        reject(new UserError(`--metrics-port ${o.port}: ${where} is already in use (pick another port, or stop what listens there)`));
      else if (err.code === 'EACCES')
        reject(new UserError(`--metrics-port ${o.port}: not allowed to listen on ${where} (use a port above 1023)`));
      else reject(new UserError(`--metrics-port ${o.port}: cannot listen on ${where}: ${err.message}`));
    });
    srv.listen(o.port, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      resolve({
        url: `http://${host}:${port}/metrics`,
        port,
        stop: () => new Promise((r) => srv.close(() => r())),
      });
    });
  });
}
