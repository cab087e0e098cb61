/**
 * `stormdrill merge`: the `bench --json` files of several instances of one run (same
 * `--testid`, distinct `--instance`, running at the same time) merged into one result, exactly:
 * the HDR histograms added (so the percentiles are the run's, not an average of
 * percentiles), requests and errors added, rps summed (the instances ran over a common
 * window, checked), per-second series lined up by their start. The merged document has the
 * `bench --json` shape, so `stormdrill gate` takes it. Pure apart from histogram decoding.
 */
import { UserError } from '../core/errors.js';
import { LatencyHistogram, PerSecondSeries } from '../core/stats/index.js';
import { type BenchJsonDoc, latencyMs } from './json-report.js';

type TestJson = BenchJsonDoc['tests'][number];
type MasterJson = NonNullable<TestJson['masters']>[number];
type CommandJson = NonNullable<TestJson['commands']>[number];

export interface NamedDoc {
  /** Where the document came from (a file name), for messages. */
  name: string;
  doc: unknown;
}

/** A file that cannot be merged: one line naming it (exit 2). */
export class MergeError extends UserError {}

function decode(name: string, title: string, encoded: string | undefined): LatencyHistogram {
  if (!encoded)
    throw new MergeError(`${name}: test ${title} has no hdrHistogram (written by an older stormdrill bench): run it again to merge it`);
  try {
    return LatencyHistogram.decode(encoded);
  } catch {
    throw new MergeError(`${name}: test ${title} has an hdrHistogram that does not decode (was the file edited?)`);
  }
}

function check(named: NamedDoc[]): BenchJsonDoc[] {
  if (named.length < 2) throw new MergeError('give at least two `stormdrill bench --json` files of one run to merge');
  const docs = named.map(({ name, doc }) => {
    const d = doc as BenchJsonDoc;
    if (typeof d !== 'object' || d === null || d.tool !== 'stormdrill bench' || !Array.isArray(d.tests))
      throw new MergeError(`${name} is not a \`stormdrill bench --json\` result`);
    return d;
  });
  const first = docs[0] as BenchJsonDoc;
  const n0 = (named[0] as NamedDoc).name;
  docs.forEach((d, i) => {
    const name = (named[i] as NamedDoc).name;
    if (d.testid !== first.testid)
      throw new MergeError(`${name} has testid ${d.testid} but ${n0} has ${first.testid}: merge the instances of one run (same --testid)`);
    if (d.latencyMeasuredFrom !== first.latencyMeasuredFrom)
      throw new MergeError(
        `${name} measured latency from ${d.latencyMeasuredFrom} but ${n0} from ${first.latencyMeasuredFrom}: use --rate on all instances or on none`,
      );
    const titles = d.tests.map((t) => t.title).join(', ');
    const want = first.tests.map((t) => t.title).join(', ');
    if (titles !== want) throw new MergeError(`${name} ran ${titles} but ${n0} ran ${want}: merge instances that ran the same tests`);
    const other = docs.findIndex((e, j) => j < i && e.instance !== undefined && e.instance === d.instance);
    if (other >= 0)
      throw new MergeError(
        `${(named[other] as NamedDoc).name} and ${name} are both instance '${d.instance}': give each process its own --instance`,
      );
  });
  return docs;
}

function mergeCommands(named: NamedDoc[], parts: TestJson[]): CommandJson[] | undefined {
  const first = parts[0]?.commands;
  if (!first) return undefined;
  return first.map((c, k) => {
    const h = new LatencyHistogram();
    let requests = 0;
    let rps = 0;
    let errors = 0;
    parts.forEach((p, i) => {
      const pc = p.commands?.[k];
      if (!pc || pc.title !== c.title) throw new MergeError(`${(named[i] as NamedDoc).name}: test ${p.title} has no command ${c.title}`);
      h.merge(decode((named[i] as NamedDoc).name, `${p.title}/${c.title}`, pc.hdrHistogram));
      requests += pc.requests;
      rps += pc.rps;
      errors += pc.errors;
    });
    return { title: c.title, requests, rps, errors, latencyMs: latencyMs(h), hdrHistogram: h.encode() };
  });
}

/** Add counts by kind (errors, redirections) into `into`. */
function addCounts(into: Record<string, number>, from: Record<string, number> | undefined): void {
  for (const [kind, n] of Object.entries(from ?? {})) into[kind] = (into[kind] ?? 0) + n;
}

/**
 * Cluster mode: each master's share over every instance, matched by address (histograms
 * added, requests, errors and redirections added, rps summed as for the test).
 */
function mergeMasters(named: NamedDoc[], parts: TestJson[]): MasterJson[] | undefined {
  if (!parts.some((p) => p.masters)) return undefined;
  const byAddr = new Map<string, { m: MasterJson; h: LatencyHistogram }>();
  parts.forEach((p, i) => {
    for (const pm of p.masters ?? []) {
      const key = `${pm.host}:${pm.port}`;
      let acc = byAddr.get(key);
      if (!acc) {
        acc = {
          m: { ...pm, requests: 0, rps: 0, elapsedSeconds: 0, errors: {}, redirections: {} as MasterJson['redirections'] },
          h: new LatencyHistogram(),
        };
        byAddr.set(key, acc);
      }
      acc.h.merge(decode((named[i] as NamedDoc).name, `${p.title}/${key}`, pm.hdrHistogram));
      acc.m.requests += pm.requests;
      acc.m.rps += pm.rps;
      acc.m.elapsedSeconds = Math.max(acc.m.elapsedSeconds, pm.elapsedSeconds);
      addCounts(acc.m.errors, pm.errors);
      addCounts(acc.m.redirections, pm.redirections);
    }
  });
  return [...byAddr.values()]
    .map(({ m, h }) => ({ ...m, latencyMs: latencyMs(h), hdrHistogram: h.encode() }))
    .sort((a, b) => a.index - b.index);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Merge the `bench --json` documents of the instances of one run; throws MergeError on bad input. */
export function mergeBenchDocs(named: NamedDoc[]) {
  const docs = check(named);
  const first = docs[0] as BenchJsonDoc;
  const tests = first.tests.map((t0, k) => {
    const parts = docs.map((d) => d.tests[k] as TestJson);
    const windows = parts.map((p, i) => {
      const start = p.startedAtMs ?? Date.parse(docs[i]?.startedAt ?? '');
      if (!Number.isFinite(start)) throw new MergeError(`${(named[i] as NamedDoc).name}: test ${p.title} has no start time (startedAtMs)`);
      return { start, end: start + p.elapsedSeconds * 1000 };
    });
    const from = Math.max(...windows.map((w) => w.start));
    const to = Math.min(...windows.map((w) => w.end));
    if (from >= to)
      throw new MergeError(
        `the instances did not run ${t0.title} at the same time (${windows.map((w, i) => `${(named[i] as NamedDoc).name} ${iso(w.start)}–${iso(w.end)}`).join(', ')}): merge the instances of one run`,
      );
    const h = new LatencyHistogram();
    const errors: Record<string, number> = {};
    const start = Math.min(...windows.map((w) => w.start));
    const series = new PerSecondSeries(start);
    let requests = 0;
    let rps = 0;
    const redirections: Record<string, number> = {};
    parts.forEach((p, i) => {
      h.merge(decode((named[i] as NamedDoc).name, p.title, p.hdrHistogram));
      requests += p.requests;
      rps += p.rps;
      addCounts(errors, p.errors);
      addCounts(redirections, p.redirections);
      const own = new PerSecondSeries((windows[i] as { start: number }).start);
      for (const b of p.perSecond ?? []) own.add(own.startMs + b.second * 1000, b.ops, b.errors);
      series.merge(own);
    });
    const end = Math.max(...windows.map((w) => w.end));
    return {
      title: t0.title,
      interrupted: parts.some((p) => p.interrupted === true),
      requests,
      startedAtMs: start,
      elapsedSeconds: (end - start) / 1000,
      // the instances ran at the same time: the run's rate is the sum of theirs
      rps,
      commonWindow: { fromMs: from, toMs: to },
      instances: parts.length,
      latencyMs: latencyMs(h),
      errors,
      redirections,
      masters: mergeMasters(named, parts),
      perSecond: series.toArray(),
      hdrHistogram: h.encode(),
      commands: mergeCommands(named, parts),
    };
  });
  const times = (f: 'startedAt' | 'finishedAt') =>
    docs
      .map((d) => d[f])
      .filter((s): s is string => typeof s === 'string')
      .sort();
  return {
    tool: 'stormdrill bench',
    version: first.version,
    testid: first.testid,
    startedAt: times('startedAt')[0],
    finishedAt: times('finishedAt').at(-1),
    interrupted: docs.some((d) => d.interrupted === true),
    latencyMeasuredFrom: first.latencyMeasuredFrom,
    mergedFrom: named.map((n, i) => ({ file: n.name, instance: docs[i]?.instance })),
    tests,
  };
}
