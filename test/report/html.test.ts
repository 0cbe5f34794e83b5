/**
 * The self-contained HTML report: nothing loaded from the network, uPlot and the data inlined, every
 * manifest string escaped (names and queries that try to close the script element), and a CSP that admits
 * only the page script.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DATA_ELEMENT_ID, esc, jsonForScript } from '../../server/src/report/html';
import type { SimulationReport } from '../../server/src/report/types';
import { simulateCli } from '../cli/runSimulate';

const HOSTILE = 'test/fixtures/cli/hostile';
const HOSTILE_NAME = 'x</script><img src=x onerror=alert(1)>';

function html(args: string[]): string {
  const r = simulateCli([...args, '--format', 'html']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** island reads the embedded report back. */
function island(page: string): SimulationReport {
  const m = new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([^<]*)</script>`).exec(page);
  assert.ok(m, 'the data island is present and holds no raw <');
  return JSON.parse(m[1]) as SimulationReport;
}

/** pageScript is the content of the last (executable) script element. */
function pageScript(page: string): string {
  const start = page.lastIndexOf('<script>') + '<script>'.length;
  return page.slice(start, page.indexOf('</script>', start));
}

let hostile: string | undefined;
const hostilePage = () => (hostile ??= html([HOSTILE]));

test('the report loads nothing from the network', () => {
  const page = hostilePage();
  assert.doesNotMatch(page, /<script[^>]*\bsrc\s*=/i);
  assert.doesNotMatch(page, /<link\b/i);
  assert.doesNotMatch(page, /<(img|iframe|video|audio|source|embed|object)\b/i);
  assert.doesNotMatch(page, /\b(src|href|action)\s*=\s*["']?\s*(https?:)?\/\//i);
  assert.doesNotMatch(page, /url\(\s*["']?\s*(https?:)?\/\//i);
  assert.doesNotMatch(page, /@import/i);
  assert.match(page, /default-src 'none'/);
});

test('the report inlines uPlot, its stylesheet and the page script', () => {
  const page = hostilePage();
  assert.match(page, /\.uplot\s*,/, 'uPlot stylesheet');
  const script = pageScript(page);
  assert.ok(script.length > 20000, 'the page script bundles uPlot');
  assert.ok(script.includes('u-wrap') && script.includes('u-legend'), 'uPlot DOM class names');
  assert.ok(script.includes(DATA_ELEMENT_ID));
});

test('the data island parses back to the JSON output of the same run', () => {
  const fromHtml = island(hostilePage());
  const r = simulateCli([HOSTILE, '--format', 'json']);
  assert.deepEqual(fromHtml, JSON.parse(r.stdout));
});

test('manifest strings are escaped everywhere and survive the round trip intact', () => {
  const page = hostilePage();
  assert.ok(!page.includes('<img'), 'no injected element');
  assert.ok(!page.includes('<b>profile'), 'no injected markup from the profile name');
  assert.ok(!page.includes('<script>alert'), 'the query cannot open a script');
  assert.equal(page.split('<script').length - 1, 2, 'only the data island and the page script');
  assert.ok(page.includes(esc(HOSTILE_NAME)), 'the name is shown, escaped');
  const data = island(page);
  assert.equal(data.runs[0].autoscaler.name, HOSTILE_NAME);
  assert.equal(data.runs[0].profile?.name, '<b>profile</b>');
  assert.ok(data.runs[0].triggers[0].query?.includes('</script><script>alert(2)</script>'));
});

test('the Content-Security-Policy admits the page script by its hash', () => {
  const page = hostilePage();
  const hash = createHash('sha256').update(pageScript(page), 'utf8').digest('base64');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1];
  assert.ok(csp);
  assert.ok(csp.includes(`script-src 'sha256-${hash}'`), csp);
  assert.ok(!csp.includes("'unsafe-eval'") && !/script-src[^;]*'unsafe-inline'/.test(csp));
});

test('the report holds the tables: summary, triggers, assumptions with origins, events', () => {
  const page = hostilePage();
  for (const s of ['<h2>Summary</h2>', 'Triggers and metrics', 'Assumptions', 'origin-manifest', 'origin-profile', 'origin-default', 'Scaling events', 'spec.minReplicaCount']) assert.ok(page.includes(s), s);
});

test('comparison mode overlays the policies on one set of charts with deltas', () => {
  const page = html(['examples/vllm-cpu-hpa', 'examples/vllm-keda-queue', '--compare', '--hours', '0.5']);
  const plots = [...page.matchAll(/class="plot" data-chart="(\w+)" data-runs="([\d,]+)"/g)];
  assert.deepEqual(plots.map((m) => m[1]), ['traffic', 'replicas', 'latency', 'cost']);
  assert.ok(plots.every((m) => m[2] === '0,1'));
  assert.ok(page.includes('Δ vs baseline'));
  assert.equal(island(page).compare, true);
});

test('several policies without comparison get a set of charts each', () => {
  const page = html(['examples/vllm-cpu-hpa', 'examples/vllm-keda-queue', '--hours', '0.5']);
  const runs = [...page.matchAll(/data-runs="([\d,]+)"/g)].map((m) => m[1]);
  assert.deepEqual(runs, ['0', '0', '0', '0', '1', '1', '1', '1']);
  assert.ok(!page.includes('Δ vs baseline'));
});

const escapeCases: Array<{ name: string; input: string; expected: string }> = [
  { name: 'markup', input: '<img src=x onerror=alert(1)>', expected: '&lt;img src=x onerror=alert(1)&gt;' },
  { name: 'quotes', input: `"a" 'b'`, expected: '&quot;a&quot; &#39;b&#39;' },
  { name: 'ampersand first', input: '&lt;', expected: '&amp;lt;' },
];
for (const c of escapeCases) test(`esc: ${c.name}`, () => assert.equal(esc(c.input), c.expected));

const islandCases: Array<{ name: string; value: unknown }> = [
  { name: 'closing script tag', value: { name: '</script><script>alert(1)</script>' } },
  { name: 'html comment opener', value: ['<!-- x', '-->'] },
  { name: 'line separators', value: 'a\u2028b\u2029c' },
  { name: 'ampersands', value: '&amp; & <' },
];
for (const c of islandCases) {
  test(`jsonForScript: ${c.name}`, () => {
    const s = jsonForScript(c.value);
    assert.doesNotMatch(s, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(s), c.value);
  });
}
