export { createDemoMetrics, type DemoMetrics } from './metrics.js';
export { type DemoKeys, demoKeys, type ErrorKind, type Reservation } from './model.js';
export {
  DEFAULTS,
  type DemoServiceInput,
  type DemoServiceOptions,
  describeTarget,
  parseSentinelList,
  type RedisTarget,
  targetFromEnv,
  validate,
} from './options.js';
export { type DemoService, startDemoService } from './server.js';
export { type FlowRequest, type FlowStep, runUserFlow, type UserFlowOptions } from './user-flow.js';
