/** A /metrics endpoint for a prom-client Registry (Prometheus pulls instead of push). */
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

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
    srv.once('error', reject);
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
