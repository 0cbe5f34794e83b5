/**
 * Custom messages between the ScaleLens client and server. Method names are prefixed `scalelens/`.
 * The client imports this file; esbuild bundles it into both sides.
 */

/** Settings section read through `workspace/configuration`. */
export const SETTINGS_SECTION = 'scalelens';

/** Raw settings as VS Code stores them under `scalelens.*`. */
export interface RawSettings {
  validate?: boolean;
  rules?: Record<string, string>;
  kedaVersion?: string;
  kubernetesVersion?: string;
  gpuBudget?: number;
  diagnosticsDelay?: number;
}

/** Command ids contributed by the extension, in one place. */
export const CommandIds = {
  showOutput: 'scalelens.showOutput',
  restartServer: 'scalelens.restartServer',
  fixAll: 'scalelens.fixAll',
} as const;
