export { serveMetrics } from './metrics-server.js';
export { pushSeries, type RemoteWriteAuth, type RemoteWritePusher, startRemoteWritePush } from './remote-write.js';
