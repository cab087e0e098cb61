export { type AttachTarget, attachTarget, describeAttachTarget, parseTargetUri } from './attach.js';
export { type ClusterChange, diffClusterViews, parseClusterNodes, watchCluster } from './cluster-watch.js';
export { haproxyConfig, haproxyRoutesTo, routesOnlyTo, startHaproxy, waitHaproxyRoutesTo } from './haproxy.js';
export {
  COMMON_DEFAULTS,
  DEFAULTS,
  MAXMEMORY_POLICIES,
  nodeCount,
  nodeNames,
  redisDirectives,
  resolveSpec,
  SENTINEL_DEFAULTS,
  validate,
} from './options.js';
export { watchSentinels } from './sentinel-watch.js';
export { peerAddress, startOptionsOf, startTopology, waitClusterOk, waitHaproxyFollows } from './start.js';
export { collectStatus, formatStatus, nodeStatus, nodeStatusFromInfo } from './status.js';
export * from './types.js';
