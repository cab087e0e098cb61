export { type MetricsServer, serveMetrics } from './metrics-server.js';
export {
  type PushOptions,
  pushRegistry,
  pushSeries,
  type RemoteWriteAuth,
  type RemoteWritePusher,
  registryToSeries,
  startRemoteWritePush,
} from './remote-write.js';
export { decodeWriteRequest, encodeWriteRequest, type Sample, snappyBody, type TimeSeries, unsnappy } from './write-request.js';
