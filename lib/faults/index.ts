export {
  ACTIONS,
  type ActionDef,
  assertDestructiveAllowed,
  clientPause,
  clusterFailover,
  crash,
  debugSleep,
  failover,
  freeze,
  heal,
  networkFault,
  replicasCaughtUp,
  resolveNode,
  restart,
  runAction,
  scaleIn,
  scaleOut,
  sentinelFailover,
  shutdown,
  thaw,
  validateWaitFor,
  waitFor,
} from './actions.js';
export {
  chunkFate,
  classifyConnection,
  classifyPrefix,
  describeFault,
  faultApplies,
  parseCommands,
  schedule,
  scopeMatches,
  validateFault,
} from './classify.js';
export { startFaultProxy, TcpFaultProxy } from './proxy.js';
export { activeFaults, clearUndo, registerUndo, restoreTopology } from './restore.js';
export * from './types.js';
