/**
 * Every command module, imported statically so the esbuild bundle of the CLI holds them
 * (a bundle cannot list a directory at run time). Command modules are commander wiring
 * only and import the library inside their actions, so loading all of them stays cheap.
 * A unit test checks that every file in lib/cli/commands/ is listed here.
 */
import type { CommandModule } from './command.js';
import audit from './commands/audit.js';
import bench from './commands/bench.js';
import demo from './commands/demo.js';
import demoService from './commands/demo-service.js';
import drill from './commands/drill.js';
import fill from './commands/fill.js';
import gate from './commands/gate.js';
import k6 from './commands/k6.js';
import merge from './commands/merge.js';
import mirror from './commands/mirror.js';
import topology from './commands/topology.js';
import verify from './commands/verify.js';
import write from './commands/write.js';

export const COMMANDS: readonly CommandModule[] = [
  audit,
  bench,
  demo,
  demoService,
  drill,
  fill,
  gate,
  k6,
  merge,
  mirror,
  topology,
  verify,
  write,
];
