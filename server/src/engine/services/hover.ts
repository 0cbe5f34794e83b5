/** doHover: the project's explanation of the key or value under the cursor. */
import { generatedHpaHover } from '../keda/generatedHpa';
import { triggerHover } from '../keda/triggers';
import type { ParsedFile } from '../parse';
import { promqlHoverAt } from '../promql/assist';
import { HoverResult, schemaHover } from '../schema/lookup';
import type { WorkspaceIndex } from '../workspace';
import { cursorContext } from './cursor';

/** doHover returns markdown for the word under the cursor, or undefined. */
export function doHover(file: ParsedFile, offset: number, ws: WorkspaceIndex): HoverResult | undefined {
  const inQuery = promqlHoverAt(file, offset, ws);
  if (inQuery) return inQuery;
  // Hover wants the whole word under the cursor, not only its prefix: move the offset to the word's end.
  const text = file.text;
  let end = offset;
  while (end < text.length && /[\w.\-/:]/.test(text[end]) && text[end] !== ':') end++;
  const ctx = cursorContext(file, end, ws);
  if (!ctx) return undefined;
  return triggerHover(ctx) ?? generatedHpaHover(ctx) ?? schemaHover(ctx);
}
