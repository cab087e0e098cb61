/** The TCP fault proxy in front of a node, and its pure classification and scheduling. */
export {
  chunkFate,
  classifyBusConnection,
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
export * from './types.js';
