import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings } from '../../server/src/engine/types';
import { parseFile } from '../../server/src/engine/parse';
import { doValidation } from '../../server/src/engine/services/validation';
import { WorkspaceIndex } from '../../server/src/engine/workspace';

const EXAMPLES = join(__dirname, '../../../examples');

/** The findings each example exists to show, by folder: everything else must be clean. */
const EXPECTED: Record<string, string[]> = {
  'vllm-cpu-hpa': ['hpa.yaml cpu-metric-on-gpu-workload'],
  'vllm-keda-queue': [],
  'triton-keda': [],
  'tgi-hpa-queue': [],
};

test('examples: every folder is listed here', () => {
  const dirs = readdirSync(EXAMPLES).filter((d) => statSync(join(EXAMPLES, d)).isDirectory());
  assert.deepEqual(dirs.sort(), Object.keys(EXPECTED).sort());
});

/** lintFolders indexes the given example folders as one workspace and lists the findings as `<folder>/<file> <code>`. */
function lintFolders(dirs: string[]): string[] {
  const ws = new WorkspaceIndex();
  const files: Array<{ name: string; uri: string }> = [];
  for (const dir of dirs) {
    for (const f of readdirSync(join(EXAMPLES, dir)).filter((n) => n.endsWith('.yaml'))) {
      const uri = `file:///examples/${dir}/${f}`;
      ws.update(parseFile(uri, readFileSync(join(EXAMPLES, dir, f), 'utf8')));
      files.push({ name: `${dir}/${f}`, uri });
    }
  }
  const found: string[] = [];
  for (const { name, uri } of files) {
    for (const f of doValidation(ws.file(uri)!, ws, defaultSettings)) found.push(`${name} ${f.code}${f.severity === 'error' ? ` (${f.message})` : ''}`);
  }
  return found.sort();
}

const expectedOf = (dirs: string[]) => dirs.flatMap((d) => EXPECTED[d].map((e) => `${d}/${e}`)).sort();

for (const dir of Object.keys(EXPECTED)) {
  test(`examples: ${dir} lints clean except for its point`, () => assert.deepEqual(lintFolders([dir]), expectedOf([dir])));
}

test('examples: opened together as one workspace (as the walkthrough does), they still lint the same', () => {
  const dirs = Object.keys(EXPECTED);
  assert.deepEqual(lintFolders(dirs), expectedOf(dirs));
});
