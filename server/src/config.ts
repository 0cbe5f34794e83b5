/** `.scalelens.yaml`: project configuration read by the CLI and the language server. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { defaultSettings, EngineSettings, Severity } from './engine';

export const CONFIG_FILE = '.scalelens.yaml';

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** findConfig looks for `.scalelens.yaml` in a folder and its parents. */
export function findConfig(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const p = join(dir, CONFIG_FILE);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** What a config file says: the engine settings, and where the rule docs are published (for the CLI's links). */
export interface Config {
  settings: EngineSettings;
  problems: string[];
  /** URL of a published copy of docs/rules.md (`docsUrl`); reports link each code to its section there. */
  docsUrl?: string;
}

/** isDocsUrl tells whether a value can be the docs URL: an absolute http(s) URL, which a CI viewer can open. */
export function isDocsUrl(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** loadConfig reads a config file into engine settings; problems are returned as messages, never thrown. */
export function loadConfig(path: string | undefined, base: EngineSettings = defaultSettings): Config {
  const problems: string[] = [];
  if (!path) return { settings: base, problems };
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { settings: base, problems: [`${path}: ${(e as Error).message.split('\n')[0]}`] };
  }
  return configFromObject(raw, base, path, problems);
}

/** configFromObject validates a parsed config object. */
export function configFromObject(raw: unknown, base: EngineSettings, where: string, problems: string[] = []): Config {
  const settings: EngineSettings = { ...base, rules: { ...base.rules } };
  if (raw === null || raw === undefined) return { settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${where}: expected a mapping at the top level`);
    return { settings, problems };
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['rules', 'kedaVersion', 'kubernetesVersion', 'gpuBudget', 'validate', 'docsUrl'].includes(key)) problems.push(`${where}: unknown key '${key}'`);
  }
  if (o.rules !== undefined) {
    if (typeof o.rules !== 'object' || o.rules === null || Array.isArray(o.rules)) problems.push(`${where}: 'rules' must map rule ids to a severity`);
    else for (const [id, v] of Object.entries(o.rules as Record<string, unknown>)) {
      if (typeof v === 'string' && SEVERITIES.has(v)) settings.rules[id] = v as Severity | 'off';
      else problems.push(`${where}: rules.${id} must be one of error, warning, info, hint, off`);
    }
  }
  if (o.kedaVersion !== undefined) settings.kedaVersion = String(o.kedaVersion);
  if (o.kubernetesVersion !== undefined) settings.kubernetesVersion = String(o.kubernetesVersion);
  if (o.gpuBudget !== undefined) {
    if (typeof o.gpuBudget === 'number' && o.gpuBudget >= 0) settings.gpuBudget = o.gpuBudget;
    else problems.push(`${where}: gpuBudget must be a number >= 0`);
  }
  if (o.validate !== undefined) settings.validate = o.validate !== false;
  if (o.docsUrl !== undefined && !isDocsUrl(o.docsUrl)) problems.push(`${where}: docsUrl must be an http(s) URL`);
  return { settings, problems, ...(isDocsUrl(o.docsUrl) ? { docsUrl: o.docsUrl } : {}) };
}
