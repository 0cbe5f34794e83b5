/** Runs `scalelens simulate` in-process and captures what it prints (shared by the CLI and report tests). */
import { runSimulate, SimulateIO } from '../../server/src/cli/simulate';

/** What one run of the command printed and returned. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** simulateCli runs the command with the given arguments; `extra` overrides the terminal facts. */
export function simulateCli(args: string[], extra: Partial<SimulateIO> = {}): Outcome {
  let stdout = '';
  let stderr = '';
  const code = runSimulate(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readStdin: () => '',
    isTTY: false,
    version: 'test',
    ...extra,
  });
  return { code, stdout, stderr };
}
