import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/repo';

test('docs/rules.md is what scripts/gen-rule-docs.mjs generates from the sources', () => {
  const root = repoRoot();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'gen-rule-docs.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
