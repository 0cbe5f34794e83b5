/** `scalelens vectors`: runs a test-vector file against the simulator's controller functions. */
import { CommandIO, parseCommand } from './command';
import { printable } from '../engine/printable';
import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import { runVectorFile, VectorResult } from '../engine/sim/vectors';

export const VECTORS_HELP = `Usage: scalelens vectors [options] <file.json>

Runs every vector of a file ({ "vectors": [{ id, function, input, expected }] }, the format of the
shipped HPA and KEDA vectors) against the simulator's HPA and KEDA functions, and prints expected
against got for each one that does not pass.

Options:
  -f, --format <text|json>   output format (default: text)
      --color / --no-color   force colors on or off (default: on for a terminal)
  -h, --help                 show this help

Exit codes: 0 all pass, 1 a vector fails, 2 usage error, unreadable file, or an unsupported vector
(unknown function or input encoding; reported per vector).
`;

/** What the command needs from its environment. */
export type VectorsIO = CommandIO;

/** runVectors runs the command and returns the exit code. */
export function runVectors(argv: string[], io: VectorsIO): number {
  const parsed = parseCommand({ name: 'vectors', help: VECTORS_HELP, formats: ['text', 'json'], options: {} }, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { positionals, format, color } = parsed;
  if (positionals.length !== 1) {
    io.stderr(`scalelens vectors: give exactly one vector file\n\n${VECTORS_HELP}`);
    return 2;
  }
  const file = positionals[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.stderr(`scalelens vectors: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    io.stderr(`scalelens vectors: ${file} is not JSON: ${printable((e as Error).message)}\n`);
    return 2;
  }
  const run = runVectorFile(json);
  if (run.error) {
    io.stderr(`scalelens vectors: ${file}: ${run.error}\n`);
    return 2;
  }
  const count = (s: VectorResult['status']) => run.results.filter((r) => r.status === s).length;
  const summary = { file, total: run.results.length, passed: count('pass'), failed: count('fail'), unsupported: count('unsupported') };
  if (format === 'json') io.stdout(JSON.stringify({ ...summary, results: run.results }, null, 2) + '\n');
  else {
    io.stdout(formatText(run.results, summary, color));
  }
  if (summary.unsupported) return 2;
  return summary.failed ? 1 : 0;
}

function formatText(results: VectorResult[], s: { file: string; total: number; passed: number; failed: number; unsupported: number }, color: boolean): string {
  const c = color ? pc : pc.createColors(false);
  const label = { pass: c.green('PASS'), fail: c.red('FAIL'), unsupported: c.yellow('UNSUPPORTED') };
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${label[r.status]}  ${r.id}  ${c.dim(r.function)}`);
    if (r.status === 'pass') continue;
    if (r.message) lines.push(`      ${r.message}`);
    lines.push(`      expected: ${JSON.stringify(r.expected)}`);
    if (r.got !== undefined) lines.push(`      got:      ${JSON.stringify(r.got)}`);
  }
  if (lines.length) lines.push('');
  lines.push(`${s.file}: ${s.total} vectors, ${s.passed} passed, ${s.failed} failed, ${s.unsupported} unsupported`);
  return lines.join('\n') + '\n';
}
