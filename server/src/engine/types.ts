/**
 * Core types of the ScaleLens engine. The engine is pure: it imports nothing from `vscode`,
 * `vscode-languageserver` or `vscode-languageclient`, and works on offsets into the document text.
 * Offsets are converted to LSP positions in exactly one place (`positions.ts`).
 */

/** Severity of a finding, ordered from most to least severe. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** A text replacement between two offsets of a document (the current one unless `uri` is set). */
export interface TextEdit {
  /** Document to edit; undefined means the document the finding belongs to. */
  uri?: string;
  start: number;
  end: number;
  newText: string;
}

/** A quick fix: a minimal set of edits with a title shown in the editor and the CLI. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** True when the fix is safe to apply without review (offered as the preferred action). */
  isPreferred?: boolean;
  /** What a policy-changing fix alters, so the editor can preview it in the simulator. */
  changesPolicy?: boolean;
}

/** One problem found in a document. */
export interface Finding {
  /** Stable identifier: a rule id (`min-exceeds-max`) or a check id (`schema-unknown-property`). */
  code: string;
  severity: Severity;
  message: string;
  /** Offsets in the document text. */
  start: number;
  end: number;
  fixes?: Fix[];
  tags?: Array<'unnecessary' | 'deprecated'>;
  /** Other places that explain the finding (e.g. the scale target in another file). */
  related?: Array<{ uri: string; start: number; end: number; message: string }>;
}

/** Settings the engine honours; the server reads them per resource, the CLI from `.scalelens.yaml`. */
export interface EngineSettings {
  /** Master switch for diagnostics. */
  validate: boolean;
  /** Per-rule severity override, or 'off'. */
  rules: Record<string, Severity | 'off'>;
  /** KEDA version the manifests target (for removed/deprecated metadata keys). */
  kedaVersion: string;
  /** Kubernetes version the manifests target. */
  kubernetesVersion: string;
  /** Upper bound of GPUs the autoscaled workloads may use, if known (0 = unknown). */
  gpuBudget: number;
}

export const defaultSettings: EngineSettings = {
  validate: true,
  rules: {},
  kedaVersion: '2.18',
  kubernetesVersion: '1.32',
  gpuBudget: 0,
};
