/** Where k6 comes from: K6_BIN, then PATH. Without it, one line says how users install it. */
import { accessSync, constants, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { findBinary } from '../stack/binaries.js';

export const K6_INSTALL_HINT =
  "install k6 with your package manager (e.g. `brew install k6`, `winget install k6`, or `apt-get install k6` from Grafana's apt repository), run the grafana/k6 Docker image, or add grafana/setup-k6-action to your GitHub workflow; then retry, or point K6_BIN at the binary";

export class K6NotFoundError extends UserError {
  constructor(detail: string) {
    super(`k6 is needed for \`stormdrill k6\` but ${detail}: ${K6_INSTALL_HINT}`, 127);
    this.name = 'K6NotFoundError';
  }
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The k6 binary to run, or a K6NotFoundError. */
export function locateK6(explicit?: string, env: Record<string, string | undefined> = process.env): string {
  const fromEnv = explicit ?? env.K6_BIN;
  if (fromEnv) {
    if (!executable(fromEnv)) throw new K6NotFoundError(`K6_BIN=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const onPath = findBinary('k6');
  if (!onPath) throw new K6NotFoundError('it is not on PATH and K6_BIN is not set');
  return onPath;
}
