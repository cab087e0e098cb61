/**
 * Read a runbook file (YAML) and turn it into plans. Every problem is reported as
 * `file:line: field: message`, using the yaml package's node ranges. A runbook is named
 * by path or by the name of a shipped runbook (runbooks/<name>.yaml).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { OptionsError, UserError } from '../core/errors.js';
import { type DrillPlan, type FieldPath, formatPath, PlanError, planRunbook, type VariantChoice } from './plan.js';
import type { RawRunbook } from './schema.js';

const here = dirname(fileURLToPath(import.meta.url));
export const RUNBOOK_DIR = resolve(here, '../../runbooks');

export interface LoadedRunbook {
  file: string;
  name: string;
  description: string;
  /** The human runbook beside the YAML (absolute path), if present. */
  humanFile: string | null;
  plans: DrillPlan[];
}

/** Find a runbook by path, or by name among the shipped ones. */
export function resolveRunbook(ref: string): string {
  const candidates = [ref, `${ref}.yaml`, join(RUNBOOK_DIR, ref), join(RUNBOOK_DIR, `${ref}.yaml`)];
  for (const c of candidates) if (existsSync(c) && c.endsWith('.yaml')) return resolve(c);
  for (const c of candidates) if (existsSync(c) && /\.ya?ml$/.test(c)) return resolve(c);
  const shipped = listRunbookFiles().map((f) => basename(f, '.yaml'));
  throw new UserError(`runbook '${ref}' not found: give a path to a .yaml file or one of ${shipped.join(', ')} (stormdrill drill list)`);
}

export function listRunbookFiles(dir = RUNBOOK_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Line (1-based) of the YAML node at `path`, or of its closest existing parent. */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: FieldPath): number {
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return k && String(k.value) === String(key);
      });
      if (!pair) break;
      best = (pair.key as Node) ?? best;
      node = pair.value;
      if (node && (node as Node).range && !isMap(node) && !isSeq(node)) best = node as Node;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      best = node as Node;
    } else break;
  }
  const offset = best?.range?.[0] ?? 0;
  return counter.linePos(offset).line;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Parse YAML text into plans; problems are `file:line: field: message`. Throws OptionsError. */
export function planFromText(text: string, file: string, choice: VariantChoice = {}): { raw: unknown; plans: DrillPlan[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const shown = displayPath(file);
  if (doc.errors.length) {
    throw new OptionsError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
        return `${shown}:${pos ? `${pos.line}:${pos.col}` : '?'}: YAML syntax: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const raw = doc.toJS() as unknown;
  try {
    return { raw, plans: planRunbook(raw, choice) };
  } catch (err) {
    if (err instanceof PlanError) {
      throw new OptionsError(err.problems.map((p) => `${shown}:${lineOf(doc, counter, p.path)}: ${formatPath(p.path)}: ${p.message}`));
    }
    throw err;
  }
}

export function loadRunbook(ref: string, choice: VariantChoice = {}): LoadedRunbook {
  const file = resolveRunbook(ref);
  const text = readFileSync(file, 'utf8');
  const { raw, plans } = planFromText(text, file, choice);
  const r = raw as RawRunbook;
  const human = resolve(dirname(file), r.human ?? `${basename(file, '.yaml')}.md`);
  return { file, name: r.name, description: r.description, humanFile: existsSync(human) ? human : null, plans };
}
