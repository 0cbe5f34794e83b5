/** Where the repository is, for tests that read its files (fixtures, docs, grammars) from the compiled output. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** repoRoot finds the folder holding package.json above the compiled test. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test');
    dir = up;
  }
  return dir;
}
