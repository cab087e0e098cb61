/** `stormdrill drill run` flags → options (pure; every problem at once). */
import { OptionsError } from '../../core/errors.js';
import { isValidRunId } from '../../core/naming.js';
import type { RunDrillOptions } from '../../drill/runner.js';
import { splitRemoteWriteUrl } from '../../k6run/options.js';
import { type AttachTarget, parseTargetUri } from '../../topology/attach.js';
import { type TlsFlags, tlsFromFlags } from '../connection-flags.js';

export interface DrillRunFlags extends TlsFlags {
  set?: string[];
  allVariants?: boolean;
  runId?: string;
  reportDir?: string;
  promRw?: string;
  target?: string;
  allowDestructive?: boolean;
  confirmNonLoopback?: boolean;
  json?: boolean;
  keepWorkDir?: boolean;
  serviceUrl?: string;
}

/** Flags → options; every problem at once. Pure except for reading env (REDISCLI_AUTH, STORMDRILL_PROM_RW_BEARER_TOKEN). */
export function parseRunFlags(f: DrillRunFlags, env: Record<string, string | undefined> = process.env) {
  const problems: string[] = [];
  const set: Record<string, string> = {};
  for (const kv of f.set ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) problems.push(`--set '${kv}' must be name=value, e.g. --set replicas=3`);
    else set[kv.slice(0, i)] = kv.slice(i + 1);
  }
  if (f.runId !== undefined && !isValidRunId(f.runId)) problems.push('--run-id must be lower-case letters, digits and dashes (at most 48)');
  if (f.allVariants && f.runId !== undefined)
    problems.push('--run-id names one run: drop it with --all-variants (each variant gets its own id)');
  if (f.allVariants && f.reportDir !== undefined) problems.push('--report-dir names one report: drop it with --all-variants');
  let remoteWrite: RunDrillOptions['remoteWrite'];
  if (f.promRw !== undefined) {
    const { url, username, password } = splitRemoteWriteUrl(f.promRw);
    if (url === undefined) problems.push('--prom-rw must be an http(s) URL such as http://127.0.0.1:9090/api/v1/write');
    else remoteWrite = { url, username, password, bearerToken: env.STORMDRILL_PROM_RW_BEARER_TOKEN || undefined };
  }
  let target: AttachTarget | undefined;
  if (f.target !== undefined) {
    try {
      target = parseTargetUri(f.target, env, tlsFromFlags(f));
    } catch (err) {
      problems.push((err as Error).message);
    }
  } else {
    if (f.allowDestructive || f.confirmNonLoopback)
      problems.push('--allow-destructive and --confirm-non-loopback only apply with --target (the embedded topology is always yours)');
    if (tlsFromFlags(f)) problems.push('--tls and --tls-* only apply with --target (the embedded topology runs without TLS)');
  }
  let serviceUrl: string | undefined;
  if (f.serviceUrl !== undefined) {
    const u = URL.canParse(f.serviceUrl) ? new URL(f.serviceUrl) : null;
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password)
      problems.push('--service-url must be an http(s) URL without credentials, such as http://127.0.0.1:8080');
    else serviceUrl = f.serviceUrl.replace(/\/+$/, '');
  }
  if (problems.length) throw new OptionsError(problems);
  return {
    serviceUrl,
    choice: { set, allVariants: f.allVariants ?? false },
    runId: f.runId,
    reportDir: f.reportDir,
    remoteWrite,
    target,
    allowDestructive: f.allowDestructive ?? false,
    confirmNonLoopback: f.confirmNonLoopback ?? false,
    json: f.json ?? false,
    keepWorkDir: f.keepWorkDir ?? false,
  };
}
