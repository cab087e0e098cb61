/**
 * The step registry: every step type in one table. Retired names stay
 * as entries that tell the user what to write instead. `DrillStep` is the discriminated
 * union (on `action`) of every step's params.
 */
import type { z } from 'zod';
import { clientPauseStep } from './client-pause.js';
import { crashStep } from './crash.js';
import { debugSleepStep } from './debug-sleep.js';
import { freezeStep } from './freeze.js';
import { healStep } from './heal.js';
import { networkStep } from './network.js';
import { partitionStep } from './partition.js';
import { restartStep } from './restart.js';
import { scaleInStep } from './scale-in.js';
import { scaleOutStep } from './scale-out.js';
import { shutdownStep } from './shutdown.js';
import { sleepStep } from './sleep.js';
import { switchoverStep } from './switchover.js';
import { thawStep } from './thaw.js';
import type { StepDefinition } from './types.js';
import { waitForStep } from './wait-for.js';
import { writeStep } from './write.js';

export const STEPS = {
  sleep: sleepStep,
  crash: crashStep,
  freeze: freezeStep,
  thaw: thawStep,
  shutdown: shutdownStep,
  restart: restartStep,
  'debug-sleep': debugSleepStep,
  'client-pause': clientPauseStep,
  network: networkStep,
  heal: healStep,
  partition: partitionStep,
  switchover: switchoverStep,
  'scale-out': scaleOutStep,
  'scale-in': scaleInStep,
  'wait-for': waitForStep,
  write: writeStep,
} as const;

export type StepAction = keyof typeof STEPS;

/** The discriminated union of every step's params. */
export type DrillStep = { [K in StepAction]: z.infer<(typeof STEPS)[K]['schema']> }[StepAction];

/** Names that used to exist or that users guess, and what to use instead. */
export const RETIRED_STEPS: Record<string, string> = {
  kill: "use 'crash' (kill -9) or 'shutdown' (graceful)",
  pause: "use 'freeze' (SIGSTOP) or 'client-pause' (CLIENT PAUSE)",
  stop: "use 'shutdown' (graceful) or 'crash' (kill -9)",
  latency: "use 'network' with fault: latency and latency: 200ms",
  failover: "use 'switchover' (planned) or 'crash' of the primary (unplanned)",
  'sentinel-failover': "use 'switchover' with method: sentinel",
  'add-replica': "use 'scale-out'",
  'remove-replica': "use 'scale-in'",
  wait: "use 'sleep' (fixed time) or 'wait-for' (a condition with a timeout)",
  'sleep-node': "use 'debug-sleep'",
  flushall: 'FLUSHALL is not a drill step: stormdrill never deletes data it did not write',
};

export const STEP_NAMES = Object.keys(STEPS) as StepAction[];

export function stepDefinition(action: string): StepDefinition | undefined {
  return (STEPS as Record<string, StepDefinition>)[action];
}
