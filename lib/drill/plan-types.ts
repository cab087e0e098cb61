/** The planner's shapes that the feasibility check shares (lib/drill/plan.ts, lib/drill/feasible.ts). */
import type { DrillStep } from './steps/index.js';

export type FieldPath = Array<string | number>;

export interface PlanProblem {
  path: FieldPath;
  message: string;
}

export interface PlannedStep {
  /** 0-based position in the runbook's list (before `when` filtering). */
  index: number;
  action: DrillStep['action'];
  label: string;
  /** Offset from the first step before which this step does not start. */
  atMs?: number;
  params: DrillStep;
  description: string;
  destructive: boolean;
  needsOwnedTopology: boolean;
}
