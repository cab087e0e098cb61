/**
 * Run identity inside k6: the `testid` tag and the data namespace, derived from the same
 * lib/core/naming module the Node side uses. `TESTID` is set by `stormdrill k6`; a run
 * started by hand gets a generated id, unless it is started with `--tag testid=X`: then X
 * names the run everywhere (the Prometheus series carry X, so the summary must too).
 */
import { keyPrefix, newRunId, testId } from '../core/naming.ts';

export interface RunIdentity {
  runId: string;
  testid: string;
  keyPrefix: string;
}

export function runIdentity(env: Record<string, string | undefined>): RunIdentity {
  return identityOf(env.TESTID || env.RUN_ID || newRunId());
}

function identityOf(runId: string): RunIdentity {
  return { runId, testid: testId(runId), keyPrefix: keyPrefix(runId) };
}

/**
 * The identity of the run as k6 tags its samples: the `testid` of the run's consolidated
 * tags (`exec.test.options.tags`, where `--tag testid=X` overrides the script's own) when
 * it is set, otherwise `fallback` (from the environment).
 */
export function taggedIdentity(fallback: RunIdentity, tags: Record<string, string> | null | undefined): RunIdentity {
  const tagged = tags?.testid;
  return tagged && tagged !== fallback.testid ? identityOf(tagged) : fallback;
}
