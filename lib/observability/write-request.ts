/**
 * The Prometheus remote-write 1.0 WriteRequest (prompb) as a protobufjs schema, and the
 * snappy-compressed body Prometheus' /api/v1/write receiver expects. Includes prompb's
 * native Histogram message (Prometheus >= 2.40 with --enable-feature=native-histograms),
 * the shape k6 writes for trends with K6_FEATURES=native-histograms.
 */
import protobuf from 'protobufjs';
import { compress, uncompress } from 'snappyjs';

export interface Sample {
  value: number;
  timestampMs: number;
}

/** One span of consecutive buckets: `offset` from the end of the previous span (or from 0). */
export interface BucketSpan {
  offset: number;
  length: number;
}

/** How a histogram relates to the previous one of its series (prompb ResetHint). */
export type ResetHint = 'unknown' | 'yes' | 'no' | 'gauge';

/**
 * A native (sparse, exponential) histogram sample with integer counts. Bucket i of
 * schema s covers (2^((i-1)/2^s), 2^(i/2^s)]; buckets are given as spans and the
 * deltas between consecutive bucket counts (the first delta is the first count).
 */
export interface HistogramSample {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
  negativeSpans: BucketSpan[];
  negativeDeltas: number[];
  resetHint: ResetHint;
  timestampMs: number;
}

export interface TimeSeries {
  /** Must include `__name__`. */
  labels: Record<string, string>;
  samples: Sample[];
  /** Native histogram samples (a series carries either samples or histograms). */
  histograms?: HistogramSample[];
}

const RESET_HINTS: ResetHint[] = ['unknown', 'yes', 'no', 'gauge'];

const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
            histograms: { rule: 'repeated', type: 'Histogram', id: 4 },
          },
        },
        BucketSpan: { fields: { offset: { type: 'sint32', id: 1 }, length: { type: 'uint32', id: 2 } } },
        Histogram: {
          oneofs: { count: { oneof: ['countInt', 'countFloat'] }, zeroCount: { oneof: ['zeroCountInt', 'zeroCountFloat'] } },
          fields: {
            countInt: { type: 'uint64', id: 1 },
            countFloat: { type: 'double', id: 2 },
            sum: { type: 'double', id: 3 },
            schema: { type: 'sint32', id: 4 },
            zeroThreshold: { type: 'double', id: 5 },
            zeroCountInt: { type: 'uint64', id: 6 },
            zeroCountFloat: { type: 'double', id: 7 },
            negativeSpans: { rule: 'repeated', type: 'BucketSpan', id: 8 },
            negativeDeltas: { rule: 'repeated', type: 'sint64', id: 9 },
            negativeCounts: { rule: 'repeated', type: 'double', id: 10 },
            positiveSpans: { rule: 'repeated', type: 'BucketSpan', id: 11 },
            positiveDeltas: { rule: 'repeated', type: 'sint64', id: 12 },
            positiveCounts: { rule: 'repeated', type: 'double', id: 13 },
            resetHint: { type: 'ResetHint', id: 14 },
            timestamp: { type: 'int64', id: 15 },
          },
          nested: { ResetHint: { values: { UNKNOWN: 0, YES: 1, NO: 2, GAUGE: 3 } } },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});
const WriteRequest = root.lookupType('prometheus.WriteRequest');

/** Labels sorted by name, as remote write requires. */
function sortedLabels(labels: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.keys(labels)
    .sort()
    .map((name) => ({ name, value: labels[name] as string }));
}

function histogramToWire(h: HistogramSample): Record<string, unknown> {
  return {
    countInt: h.count,
    sum: h.sum,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCountInt: h.zeroCount,
    negativeSpans: h.negativeSpans,
    negativeDeltas: h.negativeDeltas,
    positiveSpans: h.positiveSpans,
    positiveDeltas: h.positiveDeltas,
    resetHint: RESET_HINTS.indexOf(h.resetHint),
    timestamp: h.timestampMs,
  };
}

interface WireHistogram {
  countInt?: number;
  countFloat?: number;
  sum?: number;
  schema?: number;
  zeroThreshold?: number;
  zeroCountInt?: number;
  zeroCountFloat?: number;
  negativeSpans?: Array<{ offset?: number; length?: number }>;
  negativeDeltas?: number[];
  positiveSpans?: Array<{ offset?: number; length?: number }>;
  positiveDeltas?: number[];
  resetHint?: number;
  timestamp?: number;
}

function histogramFromWire(h: WireHistogram): HistogramSample {
  const spans = (x?: Array<{ offset?: number; length?: number }>) =>
    (x ?? []).map((s) => ({ offset: s.offset ?? 0, length: s.length ?? 0 }));
  return {
    count: h.countInt ?? h.countFloat ?? 0,
    sum: h.sum ?? 0,
    schema: h.schema ?? 0,
    zeroThreshold: h.zeroThreshold ?? 0,
    zeroCount: h.zeroCountInt ?? h.zeroCountFloat ?? 0,
    positiveSpans: spans(h.positiveSpans),
    positiveDeltas: h.positiveDeltas ?? [],
    negativeSpans: spans(h.negativeSpans),
    negativeDeltas: h.negativeDeltas ?? [],
    resetHint: RESET_HINTS[h.resetHint ?? 0] ?? 'unknown',
    timestampMs: h.timestamp ?? 0,
  };
}

/** Protobuf bytes of a WriteRequest (uncompressed). */
export function encodeWriteRequest(series: TimeSeries[]): Uint8Array {
  const msg = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: sortedLabels(s.labels),
      samples: s.samples.map((x) => ({ value: x.value, timestamp: x.timestampMs })),
      histograms: (s.histograms ?? []).map(histogramToWire),
    })),
  });
  return WriteRequest.encode(msg).finish();
}

/** Decode (for tests): the inverse of encodeWriteRequest. */
export function decodeWriteRequest(bytes: Uint8Array): TimeSeries[] {
  const obj = WriteRequest.toObject(WriteRequest.decode(bytes), { longs: Number, enums: Number }) as {
    timeseries?: Array<{
      labels?: Array<{ name: string; value: string }>;
      samples?: Array<{ value: number; timestamp: number }>;
      histograms?: WireHistogram[];
    }>;
  };
  return (obj.timeseries ?? []).map((t) => {
    const out: TimeSeries = {
      labels: Object.fromEntries((t.labels ?? []).map((l) => [l.name, l.value])),
      samples: (t.samples ?? []).map((s) => ({ value: s.value ?? 0, timestampMs: s.timestamp ?? 0 })),
    };
    if (t.histograms?.length) out.histograms = t.histograms.map(histogramFromWire);
    return out;
  });
}

export function snappyBody(series: TimeSeries[]): Uint8Array {
  return compress(encodeWriteRequest(series));
}

export function unsnappy(body: Uint8Array): Uint8Array {
  return uncompress(body);
}
