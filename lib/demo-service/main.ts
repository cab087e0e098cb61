/**
 * Plain entry point of the demo service (docker-compose, or by hand):
 *   PORT=8080 REDIS_URL=redis://127.0.0.1:6379 node --import tsx lib/demo-service/main.ts
 * Env: PORT (8080), HOST (127.0.0.1; 0.0.0.0 in a container), REDIS_URL, or
 * REDIS_SENTINELS=host:port,... with REDIS_MASTER_NAME (sdmaster), REDIS_PASSWORD,
 * RUN_ID (key namespace; default demo), DURABLE_REPLICAS (0).
 */
import { redactSecrets, UserError } from '../core/errors.js';
import { installSignalHandlers, registerCleanup } from '../core/lifecycle.js';
import { targetFromEnv } from './options.js';
import { startDemoService } from './server.js';

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new UserError(`${name} must be a whole number (got '${raw}')`);
  return Number(raw);
}

try {
  installSignalHandlers();
  const { target, errors } = targetFromEnv(process.env);
  if (errors.length || !target) throw new UserError(errors.join('; '));
  const svc = await startDemoService({
    port: int('PORT', 8080),
    host: process.env.HOST || '127.0.0.1',
    redis: target,
    runId: process.env.RUN_ID || 'demo',
    durableReplicas: int('DURABLE_REPLICAS', 0),
    ...(process.env.REDIS_PASSWORD ? { password: process.env.REDIS_PASSWORD } : {}),
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  registerCleanup('stop demo service', () => svc.stop());
} catch (err) {
  process.stderr.write(`demo-service: ${redactSecrets(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(err instanceof UserError ? err.exitCode : 1);
}
