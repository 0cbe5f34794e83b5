/** Resolving CLI inputs (files, folders, globs, `-` for stdin) to YAML files. */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { globSync } from 'tinyglobby';

export interface InputFile {
  /** Path as shown to the user (relative when given relative). */
  display: string;
  uri: string;
  text: string;
}

export class UsageError extends Error {}

/** collectInputs expands the arguments; a missing file is a usage error (exit 2). */
export function collectInputs(args: string[], readStdin: () => string): InputFile[] {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (p: string): void => {
    const abs = resolve(p);
    if (seen.has(abs)) return;
    seen.add(abs);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    out.push({ display: p, uri: pathToFileURL(abs).toString(), text });
  };
  for (const a of args) {
    if (a === '-') {
      out.push({ display: '<stdin>', uri: 'stdin:///stdin.yaml', text: readStdin() });
      continue;
    }
    let st;
    try { st = statSync(a); } catch { st = undefined; }
    if (st?.isDirectory()) {
      const files = globSync(['**/*.yaml', '**/*.yml'], { cwd: a, ignore: ['**/node_modules/**', '**/.git/**'], dot: false }).sort();
      for (const f of files) add(`${a.replace(/\/$/, '')}/${f}`);
    } else if (st?.isFile()) add(a);
    else if (/[*?[{]/.test(a)) {
      const files = globSync([a], { ignore: ['**/node_modules/**'] }).sort();
      if (!files.length) throw new UsageError(`no files match ${a}`);
      files.forEach(add);
    } else throw new UsageError(`no such file or folder: ${a}`);
  }
  return out;
}
