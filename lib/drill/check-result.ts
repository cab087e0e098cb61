/** One check's verdict in a drill report, and the verdict of a check that could not be measured. */

export interface CheckResult {
  name: string;
  ok: boolean;
  /** The limit as written (e.g. `<= 5000 ms`, `== 0`, `true`). */
  limit: string;
  /** What was measured (number, boolean, or a reason when it could not be measured). */
  measured: number | boolean | string | null;
  detail?: string;
}

/** A check that could not be measured fails, and says why. */
export function notMeasured(name: string, limit: string, why: string): CheckResult {
  return { name, ok: false, limit, measured: null, detail: `not measured: ${why}` };
}
