/** Applying fix edits to text, and combining the fixes of one code into a "fix all". */
import type { Finding, Fix, TextEdit } from '../types';

/**
 * applyEdits applies non-overlapping edits to a text (edits for other documents are ignored).
 * Overlapping edits are rejected rather than applied in a way that could mangle the text.
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const own = edits.filter((e) => e.uri === undefined).slice().sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < own.length; i++) {
    if (own[i].start < own[i - 1].end) throw new Error('overlapping edits');
  }
  let out = '';
  let pos = 0;
  for (const e of own) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/**
 * fixAllOf combines the first fix of every finding with the given code into one fix, skipping a fix
 * whose edits overlap one already taken (it is offered again after the first round is applied).
 */
export function fixAllOf(findings: Finding[], code: string): Fix | undefined {
  const taken: TextEdit[] = [];
  let count = 0;
  for (const f of findings) {
    if (f.code !== code || !f.fixes?.length) continue;
    const fix = f.fixes[0];
    const overlaps = fix.edits.some((e) => taken.some((t) => t.uri === e.uri && e.start < t.end && t.start < e.end));
    if (overlaps) continue;
    taken.push(...fix.edits);
    count++;
  }
  if (count < 2) return undefined;
  return { title: `Fix all ${code} problems in this file (${count})`, edits: taken };
}
