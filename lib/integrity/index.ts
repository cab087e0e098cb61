/**
 * Data integrity toolkit: fill (bulk load), write (continuous writer with a ledger and
 * unavailability windows), audit (what was lost) and verify (source vs target).
 * Drills call these functions directly; the CLI commands are thin wrappers.
 */

export { AUDIT_DEFAULTS, type AuditOptions, type AuditResult, runAudit } from './audit/audit.js';
export { type FillEvents, type FillProgress, type FillResult, runFill } from './fill/fill.js';
export { FILL_DEFAULTS, type FillOptions, type FillType, parseMemoryTarget } from './fill/options.js';
export { formatAudit, formatFill, formatSwitch, formatVerify, formatWindow, formatWrite } from './format.js';
export { FillMetrics, WriteMetrics } from './metrics.js';
export { VERIFY_DEFAULTS, type VerifyOptions } from './verify/options.js';
export { type ConflictCounts, runVerify, type VerifyResult } from './verify/verify.js';
export { type Ledger, readLedger } from './write/ledger.js';
export { WRITE_DEFAULTS, type WriteOptions } from './write/options.js';
export { type WriteMode, writeKey, writeValue } from './write/records.js';
export type { UnavailabilityWindow } from './write/windows.js';
export { type MasterSwitch, runWrite, startWriter, type WriteResult, Writer, type WriterTick } from './write/writer.js';
