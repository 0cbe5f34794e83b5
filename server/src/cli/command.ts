/** What every `scalelens` subcommand shares: argument parsing, `--help`, `--format` and color choice. */
import { parseArgs } from 'node:util';

/** The streams a command writes to. */
export interface CommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; default?: string | boolean };

const COMMON = {
  format: { type: 'string', short: 'f', default: 'text' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A subcommand: its name, help text and the output formats it accepts. */
export interface CommandSpec<T extends Record<string, OptionSpec>> {
  name: string;
  help: string;
  formats: string[];
  options: T;
  /** True when the command needs at least one positional argument. */
  needsInput?: boolean;
}

/**
 * parseCommand parses a subcommand's arguments. It returns the exit code to stop with — 0 after `--help`,
 * 2 after a usage error (message and help on stderr) — or the parsed values.
 */
export function parseCommand<T extends Record<string, OptionSpec>>(spec: CommandSpec<T>, argv: string[], io: CommandIO) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON, ...spec.options } });
  } catch (e) {
    io.stderr(`scalelens ${spec.name}: ${(e as Error).message}\n\n${spec.help}`);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  if (values.help) {
    io.stdout(spec.help);
    return 0;
  }
  const format = String(values.format);
  if (!spec.formats.includes(format)) {
    io.stderr(`scalelens ${spec.name}: unknown format '${format}' (use ${spec.formats.join(', ').replace(/, ([^,]*)$/, ' or $1')})\n`);
    return 2;
  }
  if (spec.needsInput && !positionals.length) {
    io.stderr(`scalelens ${spec.name}: no input given\n\n${spec.help}`);
    return 2;
  }
  const color = values['no-color'] ? false : ((values.color as boolean | undefined) ?? (io.isTTY && !process.env.NO_COLOR));
  return { values, positionals, format, color };
}
