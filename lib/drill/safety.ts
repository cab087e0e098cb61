/**
 * The safety gate (pure): destructive steps run only on topologies stormdrill started,
 * unless --target is given with --allow-destructive (and --confirm-non-loopback for a
 * host that is not loopback). Steps that need a process stormdrill started (signals,
 * fault proxies, new processes) never run against --target.
 */
import { isLoopback } from '../core/loopback.js';
import type { DrillPlan } from './plan.js';

export interface SafetyFlags {
  /** host of --target; undefined = the embedded topology. */
  targetHost?: string;
  allowDestructive?: boolean;
  confirmNonLoopback?: boolean;
}

export function safetyProblems(plan: DrillPlan, f: SafetyFlags): string[] {
  if (f.targetHost === undefined) return [];
  const all = [...plan.steps, ...plan.rollback];
  const problems: string[] = [];
  const owned = [...new Set(all.filter((s) => s.needsOwnedTopology).map((s) => s.action))];
  if (owned.length)
    problems.push(
      `runbook ${plan.runbook}: step(s) ${owned.join(', ')} need a topology stormdrill started (signals, fault proxies, new nodes): drop --target to run on the embedded default`,
    );
  const destructive = [...new Set(all.filter((s) => s.destructive).map((s) => s.action))];
  if (destructive.length && !f.allowDestructive)
    problems.push(`runbook ${plan.runbook} has destructive step(s) ${destructive.join(', ')}: against --target add --allow-destructive`);
  if (destructive.length && f.allowDestructive && !isLoopback(f.targetHost) && !f.confirmNonLoopback)
    problems.push(`--target ${f.targetHost} is not loopback: add --confirm-non-loopback as well as --allow-destructive`);
  return problems;
}
