/** What the runbook planner says of a runbook: every problem as the user sees it, one line each. */
import { PlanError, planRunbook, type VariantChoice } from '../../lib/drill/plan.js';

/** The lines of the PlanError `input` gets (`steps[0].sides: …`); empty when it plans. */
export function planProblems(input: unknown, choice: VariantChoice = {}): string[] {
  try {
    planRunbook(input, choice);
  } catch (err) {
    if (err instanceof PlanError) return err.message.split('\n');
    throw err;
  }
  return [];
}
