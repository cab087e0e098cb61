/** One reader of /proc/<pid>/stat for process state, start time and CPU time. */
import { readFileSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after the command name, which may hold spaces and
 * parentheses: index 0 is field 3 (the state), so field N is at index N - 3. Null when the
 * process is gone.
 */
export function procStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
