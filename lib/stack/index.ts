export { redisOnce, redisPingOk } from '../redis/once.js';
export { BINARY_PACKAGES, findBinary, type KnownBinary, requireBinary } from './binaries.js';
export { clusterInfo } from './cluster.js';
export { type ExporterNode, type ExporterOptions, startRedisExporter } from './exporter.js';
export { type InfoFields, type NodeAuth, parseInfo, redisInfo, waitUntil } from './info.js';
export { type LocalStack, type LocalStackOptions, startLocalStack, stopAll } from './local-stack.js';
export { assertPortFree, freePort, isPortFree, PortAllocator } from './ports.js';
export { httpOk, tcpOpen } from './probe.js';
export { ManagedProcess, PID_REGISTRY_ENV, type SpawnOptions, spawnManaged, waitReady } from './process.js';
export {
  PROMETHEUS_DIR,
  type PrometheusNode,
  type PrometheusOptions,
  type ScrapeTargets,
  startPrometheus,
  writeTargets,
} from './prometheus.js';
export { type RedisNode, type RedisServerOptions, redisConfig, startRedisServer } from './redis.js';
export { fieldRecord, sentinelConfig, sentinelMasterInfo } from './sentinel.js';
export { makeWorkDir } from './workdir.js';
