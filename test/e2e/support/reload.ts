/**
 * Tests that span a window reload. A reload ends the extension host that runs the suite, so such a test comes in two
 * halves: `before` runs in the first host, after every other test, and returns what `after` needs (as JSON); then
 * the entry point (index.ts) reloads the window as a user would, the workbench starts the suite again in a fresh
 * host, and only the `after` halves run there. The two hosts hand over through a file in the folder the harness
 * keeps for the whole run (SCALELENS_E2E_RUN_DIR): each test file is its own bundle, with its own copy of this
 * module, and nothing in memory outlives the first host.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'mocha';

/** RELOAD_TEST_SUFFIX ends the names of the test files that hold such tests; the entry point runs them last. */
export const RELOAD_TEST_SUFFIX = '.reload.test.js';

/** AFTER_RELOAD ends the titles of the `after` halves: the fresh host runs only the tests whose title has it. */
export const AFTER_RELOAD = 'after the window reload';

/** What the first extension host leaves for the second. */
export interface HandOver {
  /** Set just before the reload: the host that reads it runs the `after` halves. */
  reloaded: boolean;
  /** How many tests failed in the first host; they count in the run's result. */
  failuresBefore: number;
  /** What each `before` half returned, by the test's title. */
  saved: Record<string, unknown>;
}

function handOverFile(): string {
  const dir = process.env.SCALELENS_E2E_RUN_DIR;
  if (!dir) throw new Error('SCALELENS_E2E_RUN_DIR is not set: run the suite through scripts/run-e2e.mjs');
  return join(dir, 'reload.json');
}

/** readHandOver reads the hand-over file; before anything was saved (or without a run folder) it is empty. */
export function readHandOver(): HandOver {
  const empty: HandOver = { reloaded: false, failuresBefore: 0, saved: {} };
  if (!process.env.SCALELENS_E2E_RUN_DIR) return empty;
  const file = handOverFile();
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HandOver) : empty;
}

/** writeHandOver replaces the hand-over file. */
export function writeHandOver(h: HandOver): void {
  writeFileSync(handOverFile(), JSON.stringify(h));
}

/**
 * testAcrossReload declares a test whose `before` half runs before the window reload and whose `after` half runs in
 * the extension host that starts after it, with what `before` returned. An `after` half runs only when its `before`
 * half passed, so a failure is reported once, where it happened.
 */
export function testAcrossReload<T>(title: string, before: () => Promise<T>, after: (saved: T) => Promise<void>): void {
  const handOver = readHandOver();
  if (!handOver.reloaded) {
    test(`${title} (before the window reload)`, async () => {
      const saved = await before();
      const h = readHandOver();
      writeHandOver({ ...h, saved: { ...h.saved, [title]: saved } });
    });
  } else if (title in handOver.saved) {
    test(`${title} (${AFTER_RELOAD})`, () => after(handOver.saved[title] as T));
  }
}
