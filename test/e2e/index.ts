/**
 * Entry point of the end-to-end suite (`extensionTestsPath`): the extension host loads this bundle and awaits run().
 * Every `*.test.js` bundle next to it runs in mocha's TDD interface; E2E_GREP narrows the run to matching titles.
 * Tests that span a window reload (support/reload.ts) make the run two-staged: when their first halves have run,
 * the window is reloaded and the workbench calls run() again in a fresh extension host, which runs their second halves.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { runFromPalette } from './support/page';
import { AFTER_RELOAD, readHandOver, RELOAD_TEST_SUFFIX, writeHandOver } from './support/reload';

/** RELOAD_WAIT_MS bounds the wait for the reload to end this extension host. */
const RELOAD_WAIT_MS = 60_000;

/** run executes the end-to-end tests and rejects when any fails, which becomes the editor's exit code. */
export async function run(): Promise<void> {
  const handOver = readHandOver();
  // 60 s per test: the first language-server start on 2 shared cores can take several seconds.
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, grep: handOver.reloaded ? AFTER_RELOAD : process.env.E2E_GREP });
  // The first halves of the reload tests leave the window as their second halves expect it, so they run last.
  const isReload = (name: string) => Number(name.endsWith(RELOAD_TEST_SUFFIX));
  const files = readdirSync(__dirname).filter((n) => n.endsWith('.test.js'));
  for (const name of files.sort((a, b) => isReload(a) - isReload(b) || a.localeCompare(b))) mocha.addFile(join(__dirname, name));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));

  if (!handOver.reloaded) {
    const saved = readHandOver();
    if (Object.keys(saved.saved).length > 0) {
      writeHandOver({ ...saved, reloaded: true, failuresBefore: failures });
      console.log(`Reloading the window (Developer: Reload Window) after ${failures} failure${failures === 1 ? '' : 's'}; the rest runs in a fresh extension host.`);
      // The reload ends this host, possibly before the probe answers; returning instead would end the run here.
      const failed = await runFromPalette('Developer: Reload Window').then(() => undefined, (e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, RELOAD_WAIT_MS));
      throw new Error(`the window did not reload within ${RELOAD_WAIT_MS / 1000} s${failed ? ` (${String(failed)})` : ''}`);
    }
  }
  const total = failures + handOver.failuresBefore;
  if (total > 0) throw new Error(`${total} end-to-end test${total > 1 ? 's' : ''} failed`);
}
