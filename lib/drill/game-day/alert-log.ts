/**
 * When each Prometheus alert went pending, firing and resolved, from successive snapshots
 * of the alerts API (`/api/v1/alerts`). Pure: the caller polls and passes the poll time.
 * `pendingAtMs` is Prometheus's own activeAt (the evaluation that first matched);
 * `firingAtMs` and `resolvedAtMs` are the first poll that saw the change, so they are late
 * by at most one poll interval.
 */

/** One alert as the alerts API lists it. */
export interface AlertSnapshot {
  name: string;
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAtMs: number | null;
}

export interface AlertRecord {
  name: string;
  severity: string | null;
  /** The alert's labels besides alertname and severity (e.g. redis_node). */
  labels: Record<string, string>;
  pendingAtMs: number | null;
  firingAtMs: number | null;
  resolvedAtMs: number | null;
}

function keyOf(a: AlertSnapshot): string {
  return JSON.stringify(Object.entries(a.labels).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

export class AlertLog {
  private readonly byKey = new Map<string, AlertRecord>();
  /** Alerts active at the last snapshot. */
  private active = new Set<string>();

  observe(snapshot: AlertSnapshot[], atMs: number): void {
    const now = new Set<string>();
    for (const a of snapshot) {
      const k = keyOf(a);
      now.add(k);
      let r = this.byKey.get(k);
      // an alert that resolved and came back is a new record
      if (r && r.resolvedAtMs !== null) {
        this.byKey.delete(k);
        this.byKey.set(`${k}@${r.resolvedAtMs}`, r);
        r = undefined;
      }
      if (!r) {
        const { alertname: _n, severity, ...labels } = a.labels;
        r = { name: a.name, severity: severity ?? null, labels, pendingAtMs: a.activeAtMs ?? atMs, firingAtMs: null, resolvedAtMs: null };
        this.byKey.set(k, r);
      }
      if (a.state === 'firing' && r.firingAtMs === null) r.firingAtMs = atMs;
    }
    for (const k of this.active) {
      const r = this.byKey.get(k);
      if (!now.has(k) && r && r.resolvedAtMs === null) r.resolvedAtMs = atMs;
    }
    this.active = now;
  }

  /** Every record, in the order they went pending. */
  records(): AlertRecord[] {
    return [...this.byKey.values()].sort((a, b) => (a.pendingAtMs ?? 0) - (b.pendingAtMs ?? 0));
  }

  firingNow(): AlertRecord[] {
    return this.records().filter((r) => r.firingAtMs !== null && r.resolvedAtMs === null);
  }
}

/**
 * Whether an alert counts as detecting the incident: stormdrill's alerts about its own
 * instruments (`Stormdrill*`, e.g. the drill's writer in a window) are listed but do not
 * count, since a production system has no drill writer to page on.
 */
export function detects(name: string): boolean {
  return !name.startsWith('Stormdrill');
}

/** Fault → the first alert that counts (detects()) and fired at or after it; null when none did. Pure. */
export function timeToDetect(records: AlertRecord[], faultAtMs: number | null): { ms: number; alert: string } | null {
  if (faultAtMs === null) return null;
  const firing = records.filter((r) => detects(r.name) && r.firingAtMs !== null && r.firingAtMs >= faultAtMs);
  // the earliest; a stable sort keeps the first listed of those firing at the same time
  const best = firing.sort((a, b) => (a.firingAtMs as number) - (b.firingAtMs as number))[0];
  return best ? { ms: Math.round((best.firingAtMs as number) - faultAtMs), alert: best.name } : null;
}

/** Names of the alerts that fired (at any time during the drill), sorted and distinct. Pure. */
export function firedAlertNames(records: AlertRecord[]): string[] {
  return [...new Set(records.filter((r) => r.firingAtMs !== null).map((r) => r.name))].sort();
}
