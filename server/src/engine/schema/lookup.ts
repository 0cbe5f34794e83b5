/** Schema-driven completion and hover (filled in by the schema module). */
import type { CompletionItem } from 'vscode-languageserver-types';
import type { CursorContext } from '../services/context';

/** A hover: markdown and the span it covers. */
export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

/** schemaCompletions proposes keys and values valid at the cursor. */
export function schemaCompletions(_ctx: CursorContext): CompletionItem[] {
  return [];
}

/** schemaHover explains the key or value under the cursor. */
export function schemaHover(_ctx: CursorContext): HoverResult | undefined {
  return undefined;
}
