/**
 * Entry point of the end-to-end suite (`extensionTestsPath`): the extension host loads this bundle and awaits run().
 * Every `*.test.js` bundle next to it runs in mocha's TDD interface; E2E_GREP narrows the run to matching titles.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** run executes the end-to-end tests and rejects when any fails, which becomes the editor's exit code. */
export async function run(): Promise<void> {
  // 60 s per test: the first language-server start on 2 shared cores can take several seconds.
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, grep: process.env.E2E_GREP });
  for (const name of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, name));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} end-to-end test${failures > 1 ? 's' : ''} failed`);
}
