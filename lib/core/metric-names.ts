/**
 * Names of every metric stormdrill exports, in one place, so Prometheus rules, Grafana
 * dashboards and the code that records agree. Pure: shared by Node code and k6 code.
 * Every series carries a `testid` label (see naming.ts).
 */
export const METRICS = {
  bench: {
    requests: 'stormdrill_bench_requests_total',
    errors: 'stormdrill_bench_errors_total',
    duration: 'stormdrill_bench_request_duration_seconds',
    /** Seconds each test has run (per instance): requests / elapsed = the instance's rps. */
    elapsed: 'stormdrill_bench_elapsed_seconds',
    redirections: 'stormdrill_bench_redirections_total',
  },
  write: {
    ops: 'stormdrill_write_ops_total',
    errors: 'stormdrill_write_errors_total',
    duration: 'stormdrill_write_op_duration_seconds',
    unavailable: 'stormdrill_write_unavailable',
    windows: 'stormdrill_write_unavailability_windows_total',
    windowSeconds: 'stormdrill_write_unavailability_seconds_total',
  },
  fill: {
    keys: 'stormdrill_fill_keys_total',
    bytes: 'stormdrill_fill_bytes_total',
  },
  drill: {
    events: 'stormdrill_drill_events_total',
    checkOk: 'stormdrill_drill_check_ok',
    ackedLost: 'stormdrill_drill_acked_lost',
    unavailableMs: 'stormdrill_drill_unavailable_ms',
    failoverSeconds: 'stormdrill_drill_failover_seconds',
    running: 'stormdrill_drill_running',
    /** Game day: fault → first alert firing (label `alert`), fault → success ratio back at the SLO, error budget share. */
    timeToDetectSeconds: 'stormdrill_drill_time_to_detect_seconds',
    timeToRecoverSeconds: 'stormdrill_drill_time_to_recover_seconds',
    errorBudgetSpent: 'stormdrill_drill_error_budget_spent_ratio',
    /** Partition drills: 1 while a node accepts writes as primary (label `node`), ms two did at once, stale reads (label `side`). */
    acceptingWrites: 'stormdrill_drill_accepting_writes',
    splitBrainMs: 'stormdrill_drill_split_brain_ms',
    staleReads: 'stormdrill_drill_stale_reads',
    /**
     * Cluster partition drills, the master cut off from the majority (label `node`): ms from the
     * cut to its first refused write, the cluster-node-timeout it is held against, and its writes
     * and reads while cut (label `outcome`).
     */
    cutOffAcceptedMs: 'stormdrill_drill_cut_off_accepted_writes_ms',
    clusterNodeTimeoutMs: 'stormdrill_drill_cluster_node_timeout_ms',
    cutOffWrites: 'stormdrill_drill_cut_off_writes',
    cutOffReads: 'stormdrill_drill_cut_off_reads',
  },
  mirror: {
    requests: 'stormdrill_mirror_requests_total',
    duration: 'stormdrill_mirror_request_duration_seconds',
    compared: 'stormdrill_mirror_compared_total',
    dropped: 'stormdrill_mirror_dropped_total',
  },
  demo: {
    requestDuration: 'demo_http_request_duration_seconds',
    errors: 'demo_errors_total',
    redisCommandDuration: 'demo_redis_command_duration_seconds',
    redisConnected: 'demo_redis_connected',
  },
} as const;

/** The label every stormdrill series carries. */
export const TESTID_LABEL = 'testid';

/** prom-client options of a series on `registry`, labelled `testid` and then `labels`. */
export function testidSeries<R>(registry: R, name: string, help: string, labels: string[] = []) {
  return { name, help, labelNames: [TESTID_LABEL, ...labels], registers: [registry] };
}
