/**
 * YAML syntax messages: the yaml library's errors and warnings told to someone writing Kubernetes manifests,
 * naming the key or token at fault and saying how to repair it.
 *
 * The library's codes are coarse (MISSING_CHAR alone covers a dozen situations), so each code lists the
 * situations it stands for, told apart by the library's message. A message that no situation matches keeps the
 * library's words: should a new library version reword one, users get its text rather than a wrong one.
 */
import type { ErrorCode } from 'yaml';

/** A syntax problem as the yaml library reports it, with the offsets the user sees. */
export interface LibraryProblem {
  /** The library's code, e.g. `DUPLICATE_KEY`. */
  code: string;
  /** The library's message, first line only. */
  message: string;
  start: number;
  end: number;
}

/** yamlMessage words a problem of the yaml library for a Kubernetes user; text is what the parser read. */
export function yamlMessage(problem: LibraryProblem, text: string): string {
  const situations = SITUATIONS[problem.code as ErrorCode] ?? [];
  const at = new Spot(text, problem.start, problem.end);
  for (const s of situations) {
    const m = s.when ? s.when.exec(problem.message) : [];
    if (!m) continue;
    const said = s.say(at, m);
    if (said) return said;
  }
  return problem.message;
}

/** One situation a code stands for: the library's message that identifies it (none: any) and its wording. */
interface Situation {
  when?: RegExp;
  say(at: Spot, m: string[]): string | undefined;
}

const MAX_SHOWN = 40;

/** show quotes source text for a message, cut to a readable length. */
function show(s: string): string {
  const one = s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 1)}…` : s;
  return one.includes('`') ? `'${one}'` : `\`${one}\``;
}

/** The place a problem points at, and readers for the source around it. */
class Spot {
  constructor(readonly text: string, readonly start: number, readonly end: number) {}

  /** covered is the first line of the source the problem spans, trimmed, if it holds more than white space. */
  covered(): string | undefined {
    const s = this.text.slice(this.start, this.end).trim().split(/\r?\n/)[0].trim();
    return s || undefined;
  }

  /** lines lists the non-blank lines of the source the problem spans, trimmed. */
  lines(): string[] {
    return this.text.slice(this.start, this.end).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }

  /** key reads the key that starts at the problem, past indentation, blank lines and comment lines. */
  key(): string | undefined {
    return scalarAt(this.text, this.skipBlank(this.start));
  }

  /** word reads the token at the problem: a quoted string, or text up to white space or a flow indicator. */
  word(): string | undefined {
    const i = this.skipBlank(this.start);
    const q = this.text[i];
    if (q === '"' || q === "'") return quotedAt(this.text, i) ?? q;
    const m = /^[^\s,[\]{}]+/.exec(this.text.slice(i, i + 200));
    return m?.[0];
  }

  /** before is the text of the problem's line up to the problem. */
  before(): string {
    return this.text.slice(this.text.lastIndexOf('\n', this.start - 1) + 1, this.start);
  }

  /** after is the text of the problem's line from the problem on. */
  after(): string {
    const eol = this.text.indexOf('\n', this.start);
    return this.text.slice(this.start, eol < 0 ? this.text.length : eol).replace(/\r$/, '');
  }

  /** lineAbove is the nearest line above the problem's line that holds more than white space. */
  lineAbove(): string {
    let end = this.text.lastIndexOf('\n', this.start - 1);
    while (end > 0) {
      const start = this.text.lastIndexOf('\n', end - 1) + 1;
      const line = this.text.slice(start, end).replace(/\r$/, '');
      if (line.trim()) return line;
      end = start - 1;
    }
    return '';
  }

  /** nextKey reads the key of the first content line after the problem's line. */
  nextKey(): string | undefined {
    const eol = this.text.indexOf('\n', this.start);
    return eol < 0 ? undefined : scalarAt(this.text, this.skipBlank(eol + 1));
  }

  private skipBlank(from: number): number {
    let i = from;
    while (i < this.text.length) {
      const c = this.text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '#' && (i === 0 || /\s/.test(this.text[i - 1]))) {
        const eol = this.text.indexOf('\n', i);
        i = eol < 0 ? this.text.length : eol;
      } else break;
    }
    return i;
  }
}

/** scalarAt reads a key or plain value at an offset: a quoted string's content, or text up to `: `, ` #` or the line's end. */
function scalarAt(text: string, i: number): string | undefined {
  const q = text[i];
  if (q === '"' || q === "'") {
    const quoted = quotedAt(text, i);
    return quoted === undefined ? undefined : quoted.slice(1, -1);
  }
  const m = /^(?:[^\n\r:#]|:(?=[^\s])|#(?<!\s#))*/.exec(text.slice(i, i + 500));
  return m?.[0].trim() || undefined;
}

/** quotedAt reads a quoted string that closes on its own line, quotes included. */
function quotedAt(text: string, i: number): string | undefined {
  const q = text[i];
  for (let j = i + 1; j < text.length && text[j] !== '\n'; j++) {
    if (q === '"' && text[j] === '\\') j++;
    else if (text[j] === q) {
      if (q === "'" && text[j + 1] === "'") j++;
      else return text.slice(i, j + 1);
    }
  }
  return undefined;
}

/** flowValue reads a value whose `{...}` or `[...]` closes just before the problem: the brackets and the rest of its line. */
function flowValue(at: Spot): string | undefined {
  const line = at.before();
  const close = line.trimEnd();
  const closer = close[close.length - 1];
  if (closer !== '}' && closer !== ']') return undefined;
  let depth = 0;
  for (let i = close.length - 1; i >= 0; i--) {
    if (close[i] === '}' || close[i] === ']') depth++;
    else if (close[i] === '{' || close[i] === '[') depth--;
    if (depth === 0) return (line.slice(i) + at.after()).replace(/\s+#.*$/, '').trim();
  }
  return undefined;
}

/** quotedSuggestion wraps a value in quotes that it does not contain itself. */
function quotedSuggestion(value: string): string | undefined {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"') && !value.includes('\\')) return `"${value}"`;
  return undefined;
}

/** The end of a line that opens a `|` or `>` text block: the indicator, its options and an optional comment. */
const BLOCK_HEADER = /(?:^|\s)[|>][-+1-9]*\s*(?:#.*)?$/;
const FLOW_KIND: Record<string, string> = { 'flow map': '`{...}` mapping', 'flow sequence': '`[...]` list' };
const COLLECTION: Record<string, string> = { map: 'mapping', seq: 'list', scalar: 'single value' };

const SITUATIONS: Record<ErrorCode, Situation[]> = {
  DUPLICATE_KEY: [
    {
      say: (at) => {
        const k = at.key();
        return `${k ? show(k) : 'This key'} appears twice in this mapping: strict validation (kubectl's default) rejects the file and other tools keep only one of the values, so remove or rename one of them`;
      },
    },
  ],
  BAD_INDENT: [
    {
      when: /^All mapping items must start at the same column/,
      say: (at) => {
        const k = at.key();
        return `${k ? show(k) : 'This key'} is not lined up with the other keys of its mapping: indent it by exactly as many spaces as its sibling keys`;
      },
    },
    {
      when: /^All sequence items must start at the same column/,
      say: () => 'This `-` item is not lined up with the items above it: start every item of a list at the same column',
    },
    {
      when: /^Block scalar values in collections must be indented/,
      say: () => 'The text of this `|` or `>` block must be indented deeper than the key or `-` it belongs to',
    },
    {
      when: /^Block scalar lines must not be less indented than their (first line|explicit indentation indicator)/,
      say: (_, m) => `This line of a \`|\` or \`>\` block is indented less than ${m[1] === 'first line' ? 'the block\'s first line' : 'the block\'s indentation digit asks for'}: indent it at least that deep, or it ends the block`,
    },
    {
      when: /^Flow end indicator should be more indented than parent/,
      say: () => 'Indent the closing `]` or `}` deeper than the key it belongs to',
    },
    {
      when: /^Flow (map|sequence) in block collection must be sufficiently indented and end with a/,
      say: (_, m) => {
        const [open, close] = m[1] === 'map' ? ['{', '}'] : ['[', ']'];
        return `This \`${open}\` is never closed, or a line inside it is indented no deeper than its key: close it with \`${close}\` and indent the lines that continue it`;
      },
    },
  ],
  MISSING_CHAR: [
    {
      when: /^Block scalars with more-indented leading empty lines/,
      say: () => 'The blank lines that open this `|` or `>` block hold more spaces than its text is indented: remove those spaces, or give the indentation as a digit after the indicator (e.g. `|2`)',
    },
    {
      when: /^Comments must be separated from other tokens/,
      say: (at) => `Add a space before ${show(at.covered() ?? '#')}: a \`#\` comment must be separated from the text before it`,
    },
    {
      when: /^Missing , between (flow map|flow sequence) items/,
      say: (at, m) => {
        const w = at.word();
        return `Add a \`,\` ${w ? `before ${show(w)}` : 'here'}: the items of a ${FLOW_KIND[m[1]]} are separated by commas`;
      },
    },
    {
      when: /^Missing space after : in (flow map|flow sequence)/,
      say: (at, m) => `Add a space after the \`:\` of ${show(at.word() ?? ':')}: inside a ${FLOW_KIND[m[1]]} a key is separated from its value by \`: \``,
    },
    {
      when: /^Missing , or : between (flow map|flow sequence) items/,
      say: (at, m) => {
        const w = at.word();
        return `A \`,\` or \`: \` is missing ${w ? `before ${show(w)}` : 'here'}: inside a ${FLOW_KIND[m[1]]}, commas separate the items and \`: \` a key from its value`;
      },
    },
    {
      when: /^Flow (map|sequence) must end with a/,
      say: (_, m) => (m[1] === 'map' ? 'This `{` is never closed: add the matching `}`' : 'This `[` is never closed: add the matching `]`'),
    },
    {
      when: /^Implicit map keys need to be followed by map values/,
      say: (at) => {
        const t = at.covered();
        if (!t) return 'An entry of this mapping has no `:`: every entry needs the form `key: value`';
        if (/^-[^\s-]/.test(t)) return `${show(t)} needs a space after the \`-\` to be a list item`;
        if (/^-(\s|$)/.test(t)) return `${show(t)} is a list item where a key of a mapping is expected: line it up with the other items of its list`;
        if (BLOCK_HEADER.test(at.lineAbove())) return `${show(t)} is not indented, so it is not part of the \`|\` or \`>\` text block above: indent every line of the block deeper than its key`;
        return `${show(t)} has no \`:\`, so it is neither a key nor part of a value: add \`: \` and a value, indent it under the key it belongs to, or start it with \`- \` if it is a list item`;
      },
    },
    {
      when: /^Sequence item without - indicator/,
      say: (at) => {
        const k = at.key();
        return `${k ? show(k) : 'This line'} is inside a list item but is not lined up with the item's keys: indent it exactly like the key after the \`- \` above, or start a new item with \`- \``;
      },
    },
    {
      when: /^Tags and anchors must be separated from the next token/,
      say: (at) => {
        const prop = /[&!]\S*$/.exec(at.before())?.[0];
        return `Add a space after ${prop ? show(prop) : 'the anchor or tag'}: an anchor (\`&name\`) or tag (\`!tag\`) must be separated from the value it marks`;
      },
    },
    {
      when: /^Missing directives-end(\/doc-start)? indicator line/,
      say: () => 'Add a `---` line after the `%` directives at the top of the file: the document may only start after it',
    },
    {
      when: /^Missing closing (["'])quote/,
      say: (_, m) => (m[1] === "'"
        ? "This '...' string is never closed: add the closing `'` (inside single quotes, an apostrophe is written `''`)"
        : 'This "..." string is never closed: add the closing `"` (inside double quotes, a quote mark is written `\\"`)'),
    },
    {
      when: /^Block collection cannot start on same line with directives-end marker/,
      say: (at) => `A mapping or list cannot start on the \`---\` line: move ${show(at.after().trim() || '-')} to the next line`,
    },
    {
      when: /^Missing newline after block sequence props/,
      say: (at) => `Start the list on the line after ${show(at.covered() ?? '&')}: a list that carries an anchor or tag begins on a new line`,
    },
  ],
  UNEXPECTED_TOKEN: [
    {
      when: /^Unexpected \S+ at node end/,
      say: (at) => {
        const t = at.covered() ?? at.word();
        if (!t) return undefined;
        const flow = flowValue(at);
        if (flow) {
          const quoted = quotedSuggestion(flow);
          return `${show(t)} follows a closing \`${flow[0] === '{' ? '}' : ']'}\`: a value that starts with \`${flow[0]}\` is read as a ${flow[0] === '{' ? 'mapping' : 'list'} up to its closing bracket. If it is text, quote the whole value${quoted ? ` (${show(quoted)})` : ''}`;
        }
        const prev = at.before().trimEnd();
        const last = prev[prev.length - 1];
        if (last === '"' || last === "'") return `${show(t)} follows the closing quote of the value: put the whole value inside the quotes, or remove ${show(t)}`;
        if (!prev.trim()) return `${show(t)} cannot start here: the node above has ended, and this line does not continue it. Check its indentation (a mapping and a \`- \` list cannot share one level)`;
        return `${show(t)} is left over after the value on this line: quote the whole value if ${show(t)} belongs to it, or move it to a line of its own`;
      },
    },
    {
      when: /^Unexpected , in (flow map|flow sequence)/,
      say: (_, m) => `Remove this extra \`,\`: a ${FLOW_KIND[m[1]]} has no empty items`,
    },
    {
      when: /^Unexpected empty item in (flow map|flow sequence)/,
      say: (_, m) => `Remove the extra \`,\` before this point: a ${FLOW_KIND[m[1]]} has no empty items`,
    },
    {
      when: /^(?:Block scalar header includes extra characters: (.*)|Unexpected token in block scalar header)/,
      say: (at, m) => `${m[1] ? show(m[1]) : 'This block header'} is not a valid header for a text block: after \`|\` or \`>\` only an indentation digit (1-9) and one \`-\` or \`+\` may follow; put the text itself on the next lines${m[1] ? '' : `, not after ${show(at.covered() ?? '|')}`}`,
    },
    {
      when: /^Not a YAML token/,
      say: (at) => {
        const t = at.covered();
        if (!t) return undefined;
        if (BLOCK_HEADER.test(at.before())) return `Text cannot follow \`|\` or \`>\` on its line: move ${show(t)} to the next line, indented`;
        return `${show(t)} is not valid YAML here: quote the value it belongs to`;
      },
    },
    {
      when: /^Unexpected block-seq-ind on same line with key/,
      say: () => 'A `- ` list item cannot stand among the keys of a mapping: put the list under a key (`key:`, then indented `- item` lines)',
    },
    {
      when: /^Unexpected doc-end without preceding document/,
      say: () => 'This `...` ends a document that never started: remove it',
    },
    {
      when: /^Unexpected (flow-seq-end|flow-map-end) token/,
      say: (_, m) => (m[1] === 'flow-seq-end' ? 'This `]` closes a list that is not open here: remove it, or add the matching `[`' : 'This `}` closes a mapping that is not open here: remove it, or add the matching `{`'),
    },
    {
      when: /^Unexpected \S+ token in YAML (stream|document)/,
      say: (at) => {
        const t = at.covered();
        return t ? `${show(t)} cannot stand here: the structure above has ended. Check this line's indentation, and that a mapping and a \`- \` list do not share one level` : undefined;
      },
    },
    {
      when: /^Unexpected (\S+) in (?:collection|flow map|flow sequence)$/,
      say: (_, m) => `This \`${m[1]}\` repeats an indicator its item already has: remove it`,
    },
  ],
  BLOCK_AS_IMPLICIT_KEY: [
    {
      when: /^A block sequence may not be used as an implicit map key/,
      say: () => 'This `- ` list stands where the mapping around it expects a key: line its items up with the list they belong to, or put the list under a key (`key:`, then the indented items)',
    },
    {
      when: /^Nested mappings are not allowed in compact mappings/,
      say: (at) => {
        const parent = /([^\s:#-][^:#]*?):\s*$/.exec(at.before())?.[1]?.trim();
        const rest = at.after().replace(/\s+#.*$/, '').trim();
        const value = scalarAt(at.text, at.start);
        if (/:(\s|$)/.test(rest)) {
          const quoted = quotedSuggestion(rest);
          return `${show(rest)} stands on the same line as ${parent ? `the key ${show(parent)}` : 'its key'}, but a value written after \`key: \` cannot itself be a mapping: move the nested keys to their own indented lines${quoted ? `, or quote the value if the colon is text (${show(quoted)})` : ''}`;
        }
        const next = at.nextKey();
        if (!parent || !value || !next) return 'A value written on the same line as its key cannot be followed by more deeply indented keys: line those keys up with their siblings';
        return `The line below \`${parent}: ${value}\` is indented deeper than ${show(parent)}, so ${show(next)} would belong to the value ${show(value)}, which is already complete: indent ${show(next)} exactly like ${show(parent)}`;
      },
    },
  ],
  BLOCK_IN_FLOW: [
    {
      say: (at) => {
        const t = at.covered();
        if (!t || t.startsWith('-')) return 'A `- ` list cannot stand inside `[...]` or `{...}`: write its items between brackets, separated by commas (`[a, b]`)';
        return `${show(t.replace(/\s+/g, ' '))} reads as a mapping without braces inside \`[...]\` or \`{...}\`: separate the entries with commas (one is probably missing)`;
      },
    },
  ],
  MULTILINE_IMPLICIT_KEY: [
    {
      when: /^Implicit keys need to be on a single line/,
      say: (at) => {
        const lines = at.lines();
        const first = lines[0];
        const last = lines[lines.length - 1]?.replace(/:$/, '');
        if (first && (first[0] === '"' || first[0] === "'")) return `The quoted key ${show(first)} runs over more than one line, but a key must fit on one: close the quote on its first line`;
        if (first?.startsWith('-')) return 'A `- ` list item cannot be a key of the mapping around it: line it up with the other items of its list';
        if (lines.length < 2 || !first || !last) return 'This key would run over more than one line, but a key must fit on one: check for a missing `:` or an unclosed quote';
        return `${show(first)} and ${show(last)} on a line below are read as one key, but a key must fit on one line: usually ${show(first)} lacks its \`:\`, or the line of ${show(last)} is indented too deep`;
      },
    },
    {
      when: /^Implicit keys of flow sequence pairs/,
      say: () => 'The key of a `key: value` pair inside `[...]` must fit on one line',
    },
  ],
  KEY_OVER_1024_CHARS: [
    { say: () => 'This key is longer than 1024 characters, more than YAML allows for a key written without `?`: shorten it' },
  ],
  MULTIPLE_ANCHORS: [
    { say: (at) => `${show(at.covered() ?? '&')} is a second anchor on this value, which can have only one: remove one of them` },
  ],
  MULTIPLE_TAGS: [
    { say: (at) => `${show(at.covered() ?? '!')} is a second tag on this value, which can have only one: remove one of them` },
  ],
  BAD_PROP_ORDER: [
    {
      when: /after the (\S+) indicator/,
      say: (_, m) => `Write the anchor or tag after the \`${m[1]}\`, not before it`,
    },
  ],
  ALIAS_PROPS: [
    {
      say: (at) => `An alias such as ${show(at.covered() ?? '*')} stands for the anchored value as it is, so it cannot carry its own anchor or tag: remove the \`&\` or \`!\` before it`,
    },
  ],
  BAD_ALIAS: [
    {
      when: /^Anchor cannot be an empty string/,
      say: () => '`&` must be followed by an anchor name (e.g. `&defaults`): quote the value if `&` is part of the text',
    },
    {
      when: /^Alias cannot be an empty string/,
      say: () => '`*` must be followed by the name of an anchor (e.g. `*defaults`): quote the value if `*` is part of the text, as in a cron schedule',
    },
    {
      when: /^(Anchor|Alias) ending in : is ambiguous/,
      say: (at, m) => {
        const name = /[&*]\S*$/.exec(at.text.slice(at.text.lastIndexOf('\n', at.start - 1) + 1, at.start + 1))?.[0];
        return `${name ? show(name) : `This ${m[1].toLowerCase()}`} ends with \`:\`, which YAML counts as part of the ${m[1].toLowerCase()} name: add a space before the \`:\` if it separates a key from its value`;
      },
    },
  ],
  TAB_AS_INDENT: [
    { say: () => 'A tab indents this line, but YAML indentation must be made of spaces: replace the tab with spaces' },
  ],
  TAG_RESOLVE_FAILED: [
    {
      say: (at) => `The tag ${show(at.covered() ?? '!')} cannot be applied to this value, which is read without it: Kubernetes manifests need no YAML tags, so remove it`,
    },
  ],
  BAD_COLLECTION_TYPE: [
    {
      when: /used for (\w+) collection, but expects (\w+)/,
      say: (at, m) => `The tag ${show(at.covered() ?? '!')} is meant for a ${COLLECTION[m[2]] ?? m[2]} but marks a ${COLLECTION[m[1]] ?? m[1]} here: remove the tag`,
    },
  ],
  BAD_DIRECTIVE: [
    {
      when: /^Unknown directive (\S+)/,
      say: (_, m) => `${show(m[1])} is not a YAML directive (only \`%YAML\` and \`%TAG\` exist): remove the line, or quote the value if it is text`,
    },
    {
      when: /^Unsupported YAML version (.*)/,
      say: (_, m) => `YAML ${show(m[1])} is not a version this reader supports: write \`%YAML 1.2\`, or remove the directive`,
    },
    {
      when: /^%YAML directive should contain exactly one part/,
      say: () => '`%YAML` takes exactly one version number, e.g. `%YAML 1.2`',
    },
    {
      when: /^%TAG directive should contain exactly two parts/,
      say: () => '`%TAG` takes exactly a handle and a prefix, e.g. `%TAG !e! tag:example.com,2024:`',
    },
  ],
  BAD_DQ_ESCAPE: [
    {
      when: /Invalid escape sequence (\\.*)$/,
      say: (_, m) => {
        const seq = m[1].replace(/"$/, '');
        return `${show(seq)} is not an escape sequence inside double quotes: write \`\\\\\` for a backslash, or use single quotes, where a backslash is plain text (handy for regular expressions in PromQL queries)`;
      },
    },
  ],
  BAD_SCALAR_START: [
    {
      say: (at) => {
        const c = at.text[at.start] === '\t' ? 'a tab' : show(at.text[at.start] ?? '');
        return `A value cannot start with ${c} unless it is quoted: put the value in quotes`;
      },
    },
  ],
  RESOURCE_EXHAUSTION: [
    { say: () => 'The YAML nests too deeply to be read from here on (thousands of levels)' },
  ],
  NON_STRING_KEY: [
    { say: () => 'This key is not a plain string, as every Kubernetes field name is: quote it' },
  ],
  MULTIPLE_DOCS: [
    { say: () => 'This text holds several documents where one is expected: split it at the `---` lines' },
  ],
  IMPOSSIBLE: [
    { say: () => 'The YAML here could not be made sense of: check the indentation, quotes and brackets around it' },
  ],
};
