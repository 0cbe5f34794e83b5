/** Resolving CLI inputs (files, folders, globs, `-` for stdin) to YAML files. */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { globSync } from 'tinyglobby';

export interface InputFile {
  /** Path as shown to the user (relative when given relative). */
  display: string;
  uri: string;
  /** The text, without a leading byte order mark. */
  text: string;
  /** The file began with a UTF-8 byte order mark: `text` leaves it out (so columns match an editor's) and a fix writes it back. */
  bom?: boolean;
  /** The file is not valid UTF-8: invalid bytes were read as U+FFFD, so writing `text` back would destroy them. */
  notUtf8?: boolean;
}

export class UsageError extends Error {}

const BOM = '\uFEFF';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** decodeFile reads a file's bytes as UTF-8 text, noting a byte order mark and bytes that are not UTF-8. */
export function decodeFile(bytes: Uint8Array): Pick<InputFile, 'text' | 'bom' | 'notUtf8'> {
  let text: string;
  let notUtf8 = false;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    notUtf8 = true;
  }
  const bom = text.startsWith(BOM);
  return { text: bom ? text.slice(1) : text, ...(bom ? { bom } : {}), ...(notUtf8 ? { notUtf8 } : {}) };
}

/** encodedText gives the text to write back for an input: its byte order mark restored. */
export function encodedText(input: InputFile, text: string): string {
  return input.bom ? BOM + text : text;
}

/**
 * inputsFor is collectInputs for a command: a usage error (a missing file) is printed as `scalelens <command>: ...`
 * and gives undefined, for the command to exit with 2.
 */
export function inputsFor(command: string, args: string[], io: { readStdin: () => string; stderr: (s: string) => void }): InputFile[] | undefined {
  try {
    return collectInputs(args, io.readStdin);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`scalelens ${command}: ${e.message}\n`);
    return undefined;
  }
}

/**
 * collectInputs expands the arguments; a missing file is a usage error (exit 2). A file reached twice (named
 * twice, or through a symbolic link to a folder already searched) is read once: the workspace would otherwise
 * hold every object twice and see each autoscaler compete with its own copy.
 */
export function collectInputs(args: string[], readStdin: () => string): InputFile[] {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (p: string): void => {
    const abs = resolve(p);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      real = abs;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch (e) {
      throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    out.push({ display: p, uri: pathToFileURL(abs).toString(), ...decodeFile(bytes) });
  };
  for (const a of args) {
    if (a === '-') {
      if (seen.has('-')) continue;
      seen.add('-');
      const text = readStdin();
      out.push({ display: '<stdin>', uri: 'stdin:///stdin.yaml', text: text.startsWith(BOM) ? text.slice(1) : text });
      continue;
    }
    let st;
    try { st = statSync(a); } catch { st = undefined; }
    if (st?.isDirectory()) {
      const files = globSync(['**/*.yaml', '**/*.yml'], { cwd: a, ignore: ['**/node_modules/**', '**/.git/**'], dot: false }).sort();
      for (const f of files) add(join(a, f));
    } else if (st?.isFile()) add(a);
    else if (/[*?[{]/.test(a)) {
      const files = globSync([a], { ignore: ['**/node_modules/**'] }).sort();
      if (!files.length) throw new UsageError(`no files match ${a}`);
      files.forEach(add);
    } else throw new UsageError(`no such file or folder: ${a}`);
  }
  return out;
}

/** encodingNotes says, for each input that is not UTF-8, how it was read and what `--fix` does with it. */
export function encodingNotes(inputs: InputFile[], fixing: boolean): string[] {
  return inputs.filter((i) => i.notUtf8).map((i) => `${i.display} is not UTF-8 text: its invalid bytes were read as U+FFFD${fixing ? ', so --fix leaves it unchanged' : ''}`);
}
