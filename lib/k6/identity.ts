/**
 * Run identity inside k6: the `testid` tag and the data namespace, derived from the same
 * lib/core/naming module the Node side uses. `TESTID` is set by `stormdrill k6`; a run
 * started by hand gets a generated id.
 */
import { keyPrefix, newRunId, testId } from '../core/naming.ts';

export interface RunIdentity {
  runId: string;
  testid: string;
  keyPrefix: string;
}

export function runIdentity(env: Record<string, string | undefined>): RunIdentity {
  const runId = env.TESTID || env.RUN_ID || newRunId();
  return { runId, testid: testId(runId), keyPrefix: keyPrefix(runId) };
}
