/** Per-scaler KEDA trigger intelligence (filled in by the trigger module). */
import type { CompletionItem } from 'vscode-languageserver-types';
import type { K8sObject } from '../model';
import type { CheckDoc } from '../rules/types';
import type { HoverResult } from '../schema/lookup';
import type { CursorContext } from '../services/context';
import type { EngineSettings, Finding } from '../types';
import type { WorkspaceIndex } from '../workspace';

/** Checks this module reports. */
export const triggerChecks: CheckDoc[] = [];

/** validateTriggers checks `spec.triggers[]` of a ScaledObject or ScaledJob against the scaler catalogue. */
export function validateTriggers(_obj: K8sObject, _ws: WorkspaceIndex, _settings: EngineSettings): Finding[] {
  return [];
}

/** triggerCompletions proposes trigger types and metadata keys/values at the cursor, or undefined if not in a trigger. */
export function triggerCompletions(_ctx: CursorContext): CompletionItem[] | undefined {
  return undefined;
}

/** triggerHover explains a trigger type or metadata key. */
export function triggerHover(_ctx: CursorContext): HoverResult | undefined {
  return undefined;
}
