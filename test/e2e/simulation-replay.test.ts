/**
 * "Replay a recording…" in the simulation panel, as a user does it: the panel's button, VS Code's own file dialog
 * (in code-server a quick input) answered with a typed path, and what the panel then shows, held against
 * `scalelens simulate --traffic` of the same recording. A file the simulator cannot replay gives an error and
 * leaves the panel as it was.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import { SummaryView } from '../../server/src/shared/protocol';
import { bundledExamples, retry, workspaceRoot } from './support/editor';
import { answerFileDialog, clickPanelButton, notifications, PanelSnapshot } from './support/page';
import { assertCards, assertChartsDrawn, openPanel, runCli, snapshotWhen, waitForView, workspaceRecording } from './support/simulation';

const KEDA_EXAMPLE = 'examples/vllm-keda-queue/scaledobject.yaml';
const KEDA_AUTOSCALER = 'scaledobject/llama-3-1-8b';

/** A recording the panel replays, with the highest rate written in it (requests per second). */
interface Recording {
  name: string;
  file: string;
  recordedPeak: number;
}

const RECORDINGS: Recording[] = [
  { name: 'a CSV of (timestamp, requests/s)', file: 'traffic.csv', recordedPeak: 32 },
  { name: 'a Prometheus query_range export of two pods', file: 'traffic.json', recordedPeak: 20 },
];

/** The part of `scalelens simulate --format json` the tests compare (runs[0]). */
interface CliRun {
  metrics: { peakReplicas: number; peakGpus: number; coldStarts: number; sloAttainment: number | null; dropped: number; usdPerDay: number | null };
  series: { traffic: number[] };
}

/** headline picks the figures both the panel's summary and the CLI's metrics give. */
function headline(s: SummaryView | CliRun['metrics']): Record<string, number | null> {
  return {
    peakReplicas: s.peakReplicas,
    peakGpus: s.peakGpus,
    coldStarts: s.coldStarts,
    sloAttainment: s.sloAttainment,
    dropped: s.dropped,
    usdPerDay: 'usdPerDay' in s ? s.usdPerDay : s.costPerDay,
  };
}

function peakOf(values: Array<number | null>): number {
  return Math.max(...values.filter((x): x is number => x !== null));
}

/** describedPeak reads the peak the traffic chart's description reports, e.g. `(peak 35.1 at 1:15)`. */
function describedPeak(s: PanelSnapshot): number {
  const description = s.charts.find((c) => c.id === 'chart-traffic')?.description ?? '';
  const m = /\(peak ([\d.]+) at \d+:\d\d\)/.exec(description);
  assert.ok(m, `the traffic chart does not report its peak: '${description}'`);
  return Number(m[1]);
}

/** replayFromPanel clicks "Replay a recording…" in the panel and types the recording's path into the file dialog. */
async function replayFromPanel(title: string, path: string): Promise<void> {
  // The page must be drawn before its button can be clicked.
  await snapshotWhen(title, 'the first simulation', (s) => s.cards.length > 0);
  await clickPanelButton('replay', title);
  await answerFileDialog(path);
}

suite('ScaleLens: replaying a traffic recording from the panel', () => {
  suiteSetup(async () => {
    await bundledExamples();
  });

  for (const r of RECORDINGS) {
    test(`Replay a recording… runs the policy on ${r.name}, as scalelens simulate --traffic does`, async () => {
      const path = await workspaceRecording(r.file);
      const { panel, view } = await openPanel(KEDA_EXAMPLE);
      await replayFromPanel(view.title, path);
      const replayed = await waitForView(panel, `the replay of ${r.file}`, (v) => v.scenario === `replay ${r.file}`);

      const folder = join(workspaceRoot().fsPath, KEDA_EXAMPLE, '..');
      const cli = (JSON.parse(await runCli(['simulate', folder, '--name', KEDA_AUTOSCALER, '--traffic', path, '--format', 'json'])) as { runs: CliRun[] }).runs[0];
      const run = replayed.runs[0];
      assert.deepEqual(headline(run.summary), headline(cli.metrics), 'the panel and scalelens simulate --traffic disagree');
      const peak = peakOf(run.series.traffic);
      assert.ok(Math.abs(peak - peakOf(cli.series.traffic)) < 0.01, `peak arrivals: panel ${peak}, CLI ${peakOf(cli.series.traffic)}`);
      // Arrivals are drawn from a Poisson law around the recorded rate, so their peak is near the recording's, not on it.
      assert.ok(peak > 0.9 * r.recordedPeak && peak < 1.2 * r.recordedPeak, `peak arrivals ${peak} for a recorded peak of ${r.recordedPeak}`);
      assert.notDeepEqual(headline(run.summary), headline(view.runs[0].summary), 'the same figures as the profile\'s traffic');

      const shown = await snapshotWhen(view.title, `the replay of ${r.file}`, (s) => s.subtitle.startsWith(`scenario replay ${r.file} `));
      assert.equal(shown.scenario, `replay ${r.file}`, 'the scenario picker does not name the recording');
      assert.equal(shown.status, 'Simulation up to date');
      assertChartsDrawn(shown);
      assertCards(shown, run.summary);
      assert.equal(describedPeak(shown), Number(peakOf(cli.series.traffic).toFixed(1)));
    });
  }

  test('a recording that cannot be replayed is reported, and the panel keeps its traffic', async () => {
    const path = await workspaceRecording('bad.csv');
    const { panel, view } = await openPanel(KEDA_EXAMPLE);
    await replayFromPanel(view.title, path);
    const message = "bad.csv holds no usable traffic point: line 2: could not read '09:00,12'";
    const shown = await snapshotWhen(view.title, 'an error', (s) => s.status.startsWith('Error: '));
    assert.ok(shown.status.startsWith(`Error: ${message}`), `status: '${shown.status}'`);
    let toasts: string[] = [];
    await retry(
      async () => {
        toasts = await notifications();
        return toasts.some((t) => t.startsWith(`ScaleLens: ${message}`)) ? true : undefined;
      },
      () => `no error notification; toasts: ${JSON.stringify(toasts)}`,
    );
    // Still the profile's traffic, drawn as before, and no simulation was run on the file.
    assert.equal(shown.scenario, view.scenario);
    assert.ok(shown.subtitle.startsWith(`scenario ${view.scenario} `), `subtitle: '${shown.subtitle}'`);
    assertChartsDrawn(shown);
    assertCards(shown, view.runs[0].summary);
    assert.equal(panel.view, view, 'the panel ran another simulation');
  });
});
