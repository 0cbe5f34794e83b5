/** doComplete: completion at a cursor, dispatched to the provider that owns that part of the document. */
import { CompletionItem, CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-types';
import { triggerCompletions } from '../keda/triggers';
import type { ParsedFile } from '../parse';
import { promqlCompletionsAt } from '../promql/assist';
import { schemaCompletions } from '../schema/lookup';
import type { WorkspaceIndex } from '../workspace';
import { cursorContext } from './cursor';
import { policySnippets } from './snippets';

/** doComplete returns completion items for an offset. */
export function doComplete(file: ParsedFile, offset: number, ws: WorkspaceIndex): CompletionItem[] {
  // Inside a PromQL query the YAML path is no guide (a query line can look like a key), so it goes first.
  const inQuery = promqlCompletionsAt(file, offset, ws);
  if (inQuery) return inQuery;
  const ctx = cursorContext(file, offset, ws);
  if (!ctx) return [];
  const fromTriggers = triggerCompletions(ctx);
  if (fromTriggers) return fromTriggers;
  const items = schemaCompletions(ctx);
  // At the top of an empty document, offer whole GPU-serving policies.
  if (ctx.onKey && ctx.path.length === 0 && !ctx.existingKeys.has('kind')) {
    for (const s of policySnippets) {
      items.push({
        label: s.label,
        kind: CompletionItemKind.Snippet,
        detail: s.detail,
        documentation: { kind: 'markdown', value: s.documentation },
        insertTextFormat: InsertTextFormat.Snippet,
        insertText: s.body,
        sortText: `~${s.label}`,
      });
    }
  }
  return items;
}
