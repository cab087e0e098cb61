/** The demo service's prom-client metrics (names from METRICS.demo), on its own registry. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, TESTID_LABEL } from '../core/metric-names.js';

export interface DemoMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  errors: Counter<'kind' | 'route'>;
  redisCommandDuration: Histogram<'command' | 'outcome'>;
  redisConnected: Gauge;
}

export function createDemoMetrics(testid: string): DemoMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ [TESTID_LABEL]: testid });
  const registers = [registry];
  return {
    registry,
    requestDuration: new Histogram({
      name: METRICS.demo.requestDuration,
      help: 'HTTP request duration by route template, method and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    errors: new Counter({
      name: METRICS.demo.errors,
      help: 'Errors answered to clients, by kind and route template',
      labelNames: ['kind', 'route'],
      registers,
    }),
    redisCommandDuration: new Histogram({
      name: METRICS.demo.redisCommandDuration,
      help: 'Redis operation latency by operation and outcome (ok or error kind)',
      labelNames: ['command', 'outcome'],
      buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    redisConnected: new Gauge({
      name: METRICS.demo.redisConnected,
      help: '1 when the Redis connection is ready, 0 while it is down or reconnecting',
      registers,
    }),
  };
}
