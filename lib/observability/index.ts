export {
  CONFIGMAP_MAX_BYTES,
  ConfigMapSchema,
  JobSchema,
  K6_IMAGE,
  type K6TestRunOptions,
  k6TestRunManifests,
  type RedisDriverJobOptions,
  redisDriverJob,
  STORMDRILL_IMAGE,
  TestRunSchema,
  toYaml,
  validateK6TestRun,
  validateRedisDriverJob,
} from './k8s.js';
export { type MetricsServer, serveMetrics } from './metrics-server.js';
export {
  bucketIndex,
  bucketUpperBound,
  decodeBuckets,
  encodeBuckets,
  K6_NATIVE_SCHEMA,
  K6_ZERO_THRESHOLD,
  NativeHistogram,
} from './native-histogram.js';
export {
  type PushOptions,
  pushRegistry,
  pushSeries,
  type RemoteWriteAuth,
  type RemoteWritePusher,
  registryToSeries,
  startRemoteWritePush,
} from './remote-write.js';
export {
  type BucketSpan,
  decodeWriteRequest,
  encodeWriteRequest,
  type HistogramSample,
  type ResetHint,
  type Sample,
  snappyBody,
  type TimeSeries,
  unsnappy,
} from './write-request.js';
