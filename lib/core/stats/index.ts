export { LatencyHistogram, type LatencySummaryMs } from './histogram.js';
export { PerSecondSeries, type SecondBucket } from './series.js';
