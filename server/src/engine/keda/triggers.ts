/**
 * Per-scaler KEDA trigger intelligence: validation, completion and hover of `spec.triggers[]` in ScaledObjects
 * and ScaledJobs, driven by the scaler catalogue generated from KEDA's scaler schema.
 */
import type { CompletionItem } from 'vscode-languageserver-types';
import type { K8sObject } from '../model';
import type { CheckDoc } from '../rules/types';
import type { HoverResult } from '../schema/lookup';
import type { CursorContext } from '../services/context';
import type { EngineSettings, Finding } from '../types';
import type { WorkspaceIndex } from '../workspace';
import { completeTrigger, hoverTrigger } from './assist';
import { triggerCheckDocs } from './checks';
import { checkTriggers } from './validate';

/** Checks this module reports. */
export const triggerChecks: CheckDoc[] = triggerCheckDocs;

/** validateTriggers checks `spec.triggers[]` of a ScaledObject or ScaledJob against the scaler catalogue. */
export function validateTriggers(obj: K8sObject, ws: WorkspaceIndex, settings: EngineSettings): Finding[] {
  if (obj.known !== 'ScaledObject' && obj.known !== 'ScaledJob') return [];
  return checkTriggers(obj, ws, settings);
}

/** triggerCompletions proposes trigger types and metadata keys/values at the cursor, or undefined if not in a trigger. */
export function triggerCompletions(ctx: CursorContext): CompletionItem[] | undefined {
  return completeTrigger(ctx);
}

/** triggerHover explains a trigger type or metadata key. */
export function triggerHover(ctx: CursorContext): HoverResult | undefined {
  return hoverTrigger(ctx);
}
