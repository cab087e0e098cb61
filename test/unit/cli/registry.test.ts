import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { projectInputs } from '../../../lib/bundle/cli-build.js';
import { loadCommands } from '../../../lib/cli/main.js';
import { COMMANDS } from '../../../lib/cli/registry.js';

describe('the CLI registry (what the bundle holds)', () => {
  it('lists every command module in lib/cli/commands/ once', async () => {
    const files = readdirSync(join(PROJECT_ROOT, 'lib/cli/commands')).filter((f) => f.endsWith('.ts'));
    expect(COMMANDS).toHaveLength(files.length);
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(files.length);
    expect((await loadCommands()).map((c) => c.name)[0]).toBe('demo');
  });

  it("keeps the project's sources of a build and drops node_modules", () => {
    expect(projectInputs(['lib/cli/main.ts', 'node_modules/commander/index.js', 'lib/core/errors.ts', 'lib/cli/main.ts'])).toEqual([
      'lib/cli/main.ts',
      'lib/core/errors.ts',
      'package.json',
    ]);
  });
});
