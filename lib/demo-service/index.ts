export { parseSentinelList, type RedisTarget } from './options.js';
export { type DemoService, startDemoService } from './server.js';
export { runUserFlow } from './user-flow.js';
