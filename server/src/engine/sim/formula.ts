/**
 * KEDA scalingModifiers formulas. KEDA evaluates them with expr-lang (Go); the engine translates the
 * numeric subset of expr-lang into expr-eval, which has no access to JavaScript (no eval, no Function,
 * no member access). Anything outside that subset is reported as unsupported rather than guessed.
 */
import { Parser } from 'expr-eval';

/** FormulaResult is a formula's value, or why it could not be evaluated. */
export type FormulaResult = { ok: true; value: number } | { ok: false; error: string };

/** expr-lang builtins with a scalar meaning, and what they become in the translated text. */
const FUNCTIONS: Record<string, string> = { abs: 'abs', ceil: 'ceil', floor: 'floor', round: 'goRound', int: 'trunc', float: '', max: 'max', min: 'min' };

/** expr-lang words outside the numeric subset. */
const UNSUPPORTED_WORDS = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith', 'let', 'if', 'else', 'nil', 'len', 'all', 'any', 'none', 'one', 'filter', 'map', 'count', 'sum', 'mean', 'median']);

type Token = { kind: 'num' | 'ident' | 'op'; text: string; pos: number };

const OPERATORS = ['**', '&&', '||', '??', '==', '!=', '<=', '>=', '?.', '..', '+', '-', '*', '/', '%', '^', '<', '>', '!', '?', ':', '(', ')', ','];

function tokenize(src: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) { i += ws[0].length; continue; }
    const num = /^(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/.exec(rest);
    if (num) { out.push({ kind: 'num', text: num[0].replace(/_/g, ''), pos: i }); i += num[0].length; continue; }
    const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest);
    if (id) { out.push({ kind: 'ident', text: id[0], pos: i }); i += id[0].length; continue; }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) return `unsupported character '${src[i]}' at ${i + 1}`;
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  return out;
}

/** skipOperand returns the index after the operand starting at `i`: an optional sign, then a name, number, call or group. */
function skipOperand(tokens: Token[], i: number): number {
  while (tokens[i]?.text === '-' || tokens[i]?.text === '+') i++;
  const t = tokens[i];
  if (!t) return -1;
  if (t.kind === 'num') return i + 1;
  if (t.kind === 'ident' && tokens[i + 1]?.text !== '(') return i + 1;
  const open = t.kind === 'ident' ? i + 1 : i;
  if (tokens[open]?.text !== '(') return -1;
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (tokens[j].text === '(') depth++;
    else if (tokens[j].text === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/**
 * translate rewrites an expr-lang formula into expr-eval text. Variables are renamed (v0, v1, ...) so
 * trigger names cannot collide with expr-eval's own constants and functions.
 */
function translate(formula: string, names: string[]): { text: string; vars: Map<string, string> } | string {
  const tokens = tokenize(formula);
  if (typeof tokens === 'string') return tokens;
  const vars = new Map<string, string>();
  const parts: string[] = [];
  const closers: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const at = ` at ${t.pos + 1}`;
    if (t.kind === 'num') { parts.push(t.text); continue; }
    if (t.kind === 'ident') {
      const call = tokens[i + 1]?.text === '(';
      if (['and', 'or', 'not', 'true', 'false'].includes(t.text)) { parts.push(` ${t.text} `); continue; }
      if (UNSUPPORTED_WORDS.has(t.text)) return `'${t.text}'${at} is not supported`;
      if (call) {
        if (!(t.text in FUNCTIONS)) return `function '${t.text}'${at} is not supported (use ${Object.keys(FUNCTIONS).join(', ')})`;
        // The call is wrapped in parentheses: expr-eval applies functions like abs to a whole power (abs x^2).
        parts.push(`(${FUNCTIONS[t.text]}(`);
        closers.push(depth);
        depth++;
        i++;
        continue;
      }
      if (!names.includes(t.text)) return `unknown name '${t.text}'${at} (the formula can use trigger names: ${names.join(', ') || 'none'})`;
      if (!vars.has(t.text)) vars.set(t.text, `v${vars.size}`);
      parts.push(vars.get(t.text)!);
      continue;
    }
    switch (t.text) {
      case '&&': parts.push(' and '); break;
      case '||': parts.push(' or '); break;
      case '!': parts.push(' not '); break;
      case '**': parts.push('^'); break;
      case '??': {
        // expr-lang binds `??` tighter than any other binary operator, and every trigger value is a number,
        // so `x ?? y` is x: drop the right operand.
        const prev = tokens[i - 1];
        if (!prev || (prev.kind === 'op' && prev.text !== ')')) return `'??'${at} needs a left operand`;
        const next = skipOperand(tokens, i + 1);
        if (next < 0) return `'??'${at} needs a right operand`;
        i = next - 1;
        break;
      }
      case '(': depth++; parts.push('('); break;
      case ')':
        depth--;
        parts.push(closers.length && closers[closers.length - 1] === depth ? (closers.pop(), '))') : ')');
        break;
      case '?.':
      case '..':
        return `'${t.text}'${at} is not supported`;
      default:
        parts.push(` ${t.text} `);
    }
  }
  if (depth !== 0) return 'unbalanced parentheses';
  return { text: parts.join(''), vars };
}

function newParser(): Parser {
  const parser = new Parser({ allowMemberAccess: false, operators: { assignment: false, fndef: false, random: false, concatenate: false, in: false, factorial: false } });
  // Go's math.Round rounds halves away from zero; JavaScript's Math.round rounds them up.
  parser.functions.goRound = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
  return parser;
}

/** CompiledFormula evaluates one translated formula against trigger values. */
export type CompiledFormula = (env: Record<string, number>) => FormulaResult;

/**
 * compileFormula translates and parses a scalingModifiers formula once, as KEDA compiles it once per
 * ScaledObject. Supported: numbers, trigger names, + - * / % ^ **, comparisons, && || ! and/or/not,
 * `c ? a : b`, `x ?? y`, and abs, ceil, floor, round, int, float, max, min.
 */
export function compileFormula(formula: string, names: string[]): { ok: true; evaluate: CompiledFormula } | { ok: false; error: string } {
  const tr = translate(formula, names);
  if (typeof tr === 'string') return { ok: false, error: `formula: ${tr}` };
  let expression: ReturnType<Parser['parse']>;
  try {
    expression = newParser().parse(tr.text);
  } catch (e) {
    return { ok: false, error: `formula: ${(e as Error).message}` };
  }
  const evaluate: CompiledFormula = (env) => {
    let value: unknown;
    try {
      const values: Record<string, number> = {};
      for (const [name, v] of tr.vars) {
        if (env[name] === undefined) return { ok: false, error: `formula: no value for '${name}'` };
        values[v] = env[name];
      }
      value = expression.evaluate(values);
    } catch (e) {
      return { ok: false, error: `formula: ${(e as Error).message}` };
    }
    if (typeof value === 'boolean') return { ok: false, error: 'formula: the result is a boolean; KEDA needs a number' };
    if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, error: `formula: the result ${String(value)} is not a finite number` };
    return { ok: true, value };
  };
  return { ok: true, evaluate };
}

/** evaluateFormula compiles and evaluates a formula over trigger values keyed by trigger name; the result must be a finite number. */
export function evaluateFormula(formula: string, env: Record<string, number>): FormulaResult {
  const compiled = compileFormula(formula, Object.keys(env));
  return compiled.ok ? compiled.evaluate(env) : compiled;
}
