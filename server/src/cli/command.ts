/** What every `scalelens` subcommand shares: argument parsing, `--help`, `--format` and color choice. */
import { parseArgs } from 'node:util';

/** The streams a command writes to. */
export interface CommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; default?: string | boolean };

const COMMON = {
  format: { type: 'string', short: 'f', default: 'text' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The value an option parses to: a string, or true/false for a flag. */
type ValueOf<O> = O extends { type: 'boolean' } ? boolean : string;

/** The parsed options of a command with options T and the common ones; an option given nowhere and without a default is absent. */
export type ParsedOptions<T extends Record<string, OptionSpec>> = { [K in keyof (T & typeof COMMON)]?: ValueOf<(T & typeof COMMON)[K]> };

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
  const options: Record<string, OptionSpec> = { ...COMMON, ...spec.options };
  let parsed;
  try {
    parsed = parseArgs({ args: attachNegativeValues(argv, options), allowPositionals: true, strict: true, options });
  } catch (e) {
    io.stderr(`scalelens ${spec.name}: ${(e as Error).message}\n\n${spec.help}`);
    return 2;
  }
  // parseArgs types its values from a literal options object; these are assembled, so the spec's types are given here.
  const values = parsed.values as ParsedOptions<T>;
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
  const color = values['no-color'] ? false : (values.color ?? (io.isTTY && !process.env.NO_COLOR));
  return { values, positionals, format, color };
}

/**
 * attachNegativeValues writes `--hours -1` as `--hours=-1`: parseArgs takes a value that starts with a dash
 * for an option and stops with a puzzling message, while the command's own check says what range is allowed.
 */
function attachNegativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = arg.startsWith('--') ? arg.slice(2) : arg.length === 2 && arg[0] === '-' ? Object.keys(options).find((k) => options[k].short === arg[1]) : undefined;
    const next = argv[i + 1];
    if (long !== undefined && options[long]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`--${long}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

