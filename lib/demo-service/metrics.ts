/**
 * The demo service's prom-client metrics (names from METRICS.demo), on its own registry.
 * The errors counter starts with every error kind on every route at 0, so a clean run
 * shows 0 errors (not "No data") and the first error of a kind counts in rate()/increase().
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, TESTID_LABEL } from '../core/metric-names.js';
import { ERROR_STATUS, type ErrorKind } from './model.js';
import { routeLabels } from './router.js';

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
  const errors = new Counter({
    name: METRICS.demo.errors,
    help: 'Errors answered to clients, by kind and route template',
    labelNames: ['kind', 'route'] as const,
    registers,
  });
  for (const kind of Object.keys(ERROR_STATUS) as ErrorKind[]) for (const route of routeLabels()) errors.inc({ kind, route }, 0);
  return {
    registry,
    requestDuration: new Histogram({
      name: METRICS.demo.requestDuration,
      help: 'HTTP request duration by route template, method and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    errors,
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
