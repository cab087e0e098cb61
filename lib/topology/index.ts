export { haproxyRoutesTo } from './haproxy.js';
export { watchSentinels } from './sentinel-watch.js';
export { startTopology } from './start.js';
export type { TopoEvent, Topology, TopologyStatus } from './types.js';
