import type { DemoServiceOptions } from '../../demo-service/options.js';
import { defineCommand } from '../command.js';
import { wholeNumber } from '../flags.js';

/** The flags; the ones not about Redis are the service's options of the same name. */
type DemoServiceFlags = Pick<DemoServiceOptions, 'port' | 'host' | 'runId' | 'durableReplicas' | 'items' | 'stock'> & {
  redisUrl: string;
  sentinels?: string;
  masterName: string;
};

export default defineCommand({
  name: 'demo-service',
  order: 21,
  register(program) {
    program
      .command('demo-service')
      .description("run the Redis-backed demo HTTP service (the k6 scenarios' target) until Ctrl-C")
      .option('--port <n>', 'HTTP port (0: any free port)', wholeNumber('--port', { max: 65535, example: '8080' }), 8080)
      .option('--host <addr>', 'listen address', '127.0.0.1')
      .option('-u, --redis-url <url>', 'Redis (or HAProxy) as redis://host:port; password from $REDIS_PASSWORD', 'redis://127.0.0.1:6379')
      .option('--sentinels <list>', 'use Sentinel instead: host:port[,host:port...]')
      .option('--master-name <name>', 'Sentinel master name', 'sdmaster')
      .option('--run-id <id>', 'key namespace: keys are sd:<run-id>:demo:*', 'demo')
      .option(
        '--durable-replicas <n>',
        'confirm a reservation only after WAIT sees this many replicas',
        wholeNumber('--durable-replicas', { example: '1' }),
        0,
      )
      .option('--items <n>', 'catalog size', wholeNumber('--items', { min: 1, max: 10_000, example: '50' }), 50)
      .option('--stock <n>', 'initial stock per item', wholeNumber('--stock', { min: 1, example: '1000000' }), 1_000_000)
      .action(async ({ redisUrl, sentinels, masterName, ...opts }: DemoServiceFlags) => {
        const { startDemoService, parseSentinelList } = await import('../../demo-service/index.js');
        const { OptionsError } = await import('../../core/errors.js');
        const { registerCleanup } = await import('../../core/lifecycle.js');
        let redis: import('../../demo-service/index.js').RedisTarget = { kind: 'direct', url: redisUrl };
        if (sentinels !== undefined) {
          const { list, errors } = parseSentinelList(sentinels);
          if (errors.length) throw new OptionsError(errors.map((e) => `--sentinels: ${e}`));
          redis = { kind: 'sentinel', sentinels: list, masterName };
        }
        const svc = await startDemoService({
          ...opts,
          redis,
          ...(process.env.REDIS_PASSWORD ? { password: process.env.REDIS_PASSWORD } : {}),
          log: (line) => console.log(`${new Date().toISOString()} ${line}`),
        });
        registerCleanup('stop demo service', () => svc.stop());
        console.log(`ready: ${svc.url} (Ctrl-C stops it)`);
        // serve until SIGINT/SIGTERM: the CLI's signal handler runs the cleanup and exits
        await new Promise<never>(() => {});
      });
  },
});
