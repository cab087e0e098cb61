/** What a drill's service workload holds while it runs (lib/drill/run/service.ts starts it; the run state keeps it). */
import type { PrometheusNode } from '../../stack/prometheus.js';
import type { AlertWatch } from '../game-day/alert-watch.js';
import type { ServiceRecording } from '../game-day/figures.js';
import type { ServiceLog } from '../game-day/service-log.js';

export interface ServiceRun extends Pick<ServiceRecording, 'settings' | 'driver' | 'url' | 'redis' | 'rules' | 'k6'> {
  prometheus: PrometheusNode;
  log: ServiceLog;
  alerts: AlertWatch;
  /** The running load (stormdrill's user flow or k6), null once stopped. */
  load: { stop(): Promise<void> } | null;
  startedAtMs: number;
  stoppedAtMs: number | null;
  /** Processes to stop at the end, in start order. */
  parts: Array<{ stop(): Promise<void> }>;
}
