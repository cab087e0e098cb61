/**
 * The Prometheus remote-write 1.0 WriteRequest (prompb) as a protobufjs schema, and the
 * snappy-compressed body Prometheus' /api/v1/write receiver expects.
 */
import protobuf from 'protobufjs';
import { compress, uncompress } from 'snappyjs';

export interface Sample {
  value: number;
  timestampMs: number;
}

export interface TimeSeries {
  /** Must include `__name__`. */
  labels: Record<string, string>;
  samples: Sample[];
}

const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
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

/** Protobuf bytes of a WriteRequest (uncompressed). */
export function encodeWriteRequest(series: TimeSeries[]): Uint8Array {
  const msg = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: sortedLabels(s.labels),
      samples: s.samples.map((x) => ({ value: x.value, timestamp: x.timestampMs })),
    })),
  });
  return WriteRequest.encode(msg).finish();
}

/** Decode (for tests): the inverse of encodeWriteRequest. */
export function decodeWriteRequest(bytes: Uint8Array): TimeSeries[] {
  const obj = WriteRequest.toObject(WriteRequest.decode(bytes), { longs: Number }) as {
    timeseries?: Array<{ labels?: Array<{ name: string; value: string }>; samples?: Array<{ value: number; timestamp: number }> }>;
  };
  return (obj.timeseries ?? []).map((t) => ({
    labels: Object.fromEntries((t.labels ?? []).map((l) => [l.name, l.value])),
    samples: (t.samples ?? []).map((s) => ({ value: s.value ?? 0, timestampMs: s.timestamp ?? 0 })),
  }));
}

export function snappyBody(series: TimeSeries[]): Uint8Array {
  return compress(encodeWriteRequest(series));
}

export function unsnappy(body: Uint8Array): Uint8Array {
  return uncompress(body);
}
