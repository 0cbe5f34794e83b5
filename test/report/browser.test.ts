/**
 * The HTML report in a real browser (headless Chromium through playwright-core): the charts render, nothing
 * is requested from the network, no script error or CSP violation, no injected element, light and dark.
 * Skipped, with a message, where /usr/bin/chromium is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { simulateCli } from '../cli/runSimulate';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM}: browser checks of the HTML report skipped`;

/** playwright-core is loaded at run time from node_modules (it is not bundled into the test). */
function playwright(): typeof import('playwright-core') {
  const moduleName = 'playwright-core';
  return createRequire(__filename)(moduleName) as typeof import('playwright-core');
}

function reportFile(args: string[]): string {
  const r = simulateCli([...args, '--format', 'html']);
  assert.equal(r.code, 0, r.stderr);
  const file = join(mkdtempSync(join(tmpdir(), 'scalelens-report-')), 'report.html');
  writeFileSync(file, r.stdout);
  return file;
}

interface Observed {
  canvases: number;
  plots: number;
  empty: number;
  images: number;
  headerText: string;
  background: string;
  problems: string[];
}

async function open(browser: Browser, file: string, colorScheme: 'light' | 'dark'): Promise<Observed> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  const problems: string[] = [];
  const url = pathToFileURL(file).toString();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('.plot canvas, .plot .empty').length === document.querySelectorAll('.plot').length);
  const seen = await page.evaluate(() => ({
    canvases: document.querySelectorAll('.plot canvas').length,
    plots: document.querySelectorAll('.plot').length,
    empty: Array.from(document.querySelectorAll('.plot .empty')).filter((e) => e.textContent?.includes('No GPU price')).length,
    images: document.querySelectorAll('img, iframe, object, embed').length,
    headerText: document.querySelector('header')?.textContent ?? '',
    background: getComputedStyle(document.body).backgroundColor,
  }));
  await page.close();
  return { ...seen, problems };
}

test('the HTML report renders its charts in Chromium, offline and without errors', { skip }, async () => {
  const browser = await playwright().chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const compare = reportFile(['examples/vllm-cpu-hpa', 'examples/vllm-keda-queue', '--compare', '--hours', '1']);
    const hostile = reportFile(['test/fixtures/cli/hostile']);
    const noPrice = reportFile(['test/fixtures/cli/no-price', '--hours', '0.5']);
    const cases: Array<{ name: string; file: string; scheme: 'light' | 'dark'; plots: number; empty: number }> = [
      { name: 'comparison, light', file: compare, scheme: 'light', plots: 4, empty: 0 },
      { name: 'comparison, dark', file: compare, scheme: 'dark', plots: 4, empty: 0 },
      { name: 'hostile names, light', file: hostile, scheme: 'light', plots: 4, empty: 0 },
      { name: 'no GPU price: the cost chart says why', file: noPrice, scheme: 'light', plots: 4, empty: 1 },
    ];
    const backgrounds: Record<string, string> = {};
    for (const c of cases) {
      const seen = await open(browser, c.file, c.scheme);
      assert.deepEqual(seen.problems, [], c.name);
      assert.equal(seen.plots, c.plots, c.name);
      assert.equal(seen.empty, c.empty, `${c.name}: charts without data`);
      assert.equal(seen.canvases, c.plots - c.empty, `${c.name}: one uPlot canvas per chart with data`);
      assert.equal(seen.images, 0, `${c.name}: no injected element`);
      backgrounds[c.name] = seen.background;
      if (c.file === hostile) assert.ok(seen.headerText.includes('x</script><img src=x onerror=alert(1)>'), 'the hostile name is shown as text');
    }
    assert.notEqual(backgrounds['comparison, light'], backgrounds['comparison, dark'], 'the dark scheme applies');
  } finally {
    await browser.close();
  }
});
