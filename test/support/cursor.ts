/** Cursor-marked documents of the completion and hover tests: `|` stands where the cursor is. */

/**
 * cursor splits a document marked with `|` into its text and the cursor offset. The mark must be the only `|`
 * unless `last` is set: then the last `|` is the cursor, for texts with bars of their own (YAML block scalars,
 * PromQL regex alternatives).
 */
export function cursor(marked: string, opts: { last?: boolean } = {}): { text: string; offset: number } {
  const offset = opts.last ? marked.lastIndexOf('|') : marked.indexOf('|');
  if (offset < 0) throw new Error(`no cursor mark | in: ${marked}`);
  if (!opts.last && marked.indexOf('|', offset + 1) >= 0) throw new Error(`more than one | in: ${marked}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
