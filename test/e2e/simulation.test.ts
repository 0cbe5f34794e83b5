/**
 * The in-editor simulation through the installed extension: the CodeLens against the CLI, the panel's charts and
 * cards as chromium draws them, what-if, Apply to YAML, the quick-fix preview, the status bar and CSV export.
 * Runs on the examples the .vsix ships and on manifests from public repositories (fixture `corpus/`, see its NOTICE).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { CommandIds, SummaryView } from '../../server/src/shared/protocol';
import { bundledExamples, EXTENSION_ID, openWithSiblings, retry, waitForDiagnostic, workspaceRoot } from './support/editor';
import { answerQuickPick, clickPanelButton, PanelSnapshot, setKnob, statusBarItem } from './support/page';
import { assertCards, assertChartsDrawn, card, cardValues, closePanels, openPanel, Panel, runCli, snapshotWhen, waitForView } from './support/simulation';

/** A file with one autoscaler, and the `--name` that picks the same autoscaler in `scalelens simulate`. */
interface Case {
  name: string;
  path: string;
  autoscaler: string;
}

const CASES: Case[] = [
  { name: 'example vllm-cpu-hpa (HPA on CPU)', path: 'examples/vllm-cpu-hpa/hpa.yaml', autoscaler: 'hpa/llama-3-1-8b' },
  { name: 'example vllm-keda-queue (KEDA on the vLLM queue)', path: 'examples/vllm-keda-queue/scaledobject.yaml', autoscaler: 'scaledobject/llama-3-1-8b' },
  { name: 'example triton-keda (KEDA on the Triton queue)', path: 'examples/triton-keda/scaledobject.yaml', autoscaler: 'scaledobject/triton-llama' },
  { name: 'example tgi-hpa-queue (HPA on a TGI pod metric)', path: 'examples/tgi-hpa-queue/hpa.yaml', autoscaler: 'hpa/mistral-7b' },
  { name: 'corpus kubernetes/examples vLLM Gemma HPA', path: 'corpus/kubernetes-examples-vllm/horizontal-pod-autoscaler.yaml', autoscaler: 'hpa/gemma-server-hpa' },
  { name: 'corpus GKE TorchServe T5 HPA', path: 'corpus/gke-t5-torchserve/hpa.yaml', autoscaler: 'hpa/t5-inference' },
  { name: 'corpus EKS auto mode Qwen3 ScaledObject', path: 'corpus/eks-auto-mode-qwen/prometheus-scaledObject.yaml', autoscaler: 'scaledobject/vllm-scaledobject' },
];

const KEDA_EXAMPLE = 'examples/vllm-keda-queue/scaledobject.yaml';
const CPU_HPA_EXAMPLE = 'examples/vllm-cpu-hpa/hpa.yaml';

/** The CSV header of one run: time, then every series the panel draws, in the exporter's order. */
const CSV_HEADER = 't_seconds,traffic,served,capacity,dropped,desired,ready,pending,loading,nodes,gpus,queue,ttftP50,ttftP95,e2eP95,costUsd';

/** The figures a CodeLens title shows, as text, so they compare exactly. */
interface LensFigures {
  peakGpus: string;
  usdPerDay: string | null;
  slo: string | null;
  coldStarts: string;
}

const LENS = /^Simulate · peak (\d+) GPUs? (?:· \$([\d,]+)\/day )?(?:· SLO ([\d.]+)% )?· (\d+) cold starts?(?: · ⚠ \d+ triggers? not simulated)?$/;

/** parseLens reads `Simulate · peak 8 GPUs · $787/day · SLO 78.1% · 0 cold starts`. */
function parseLens(title: string): LensFigures {
  const m = LENS.exec(title);
  assert.ok(m, `the CodeLens does not show simulation figures: '${title}'`);
  return { peakGpus: m[1], usdPerDay: m[2] ?? null, slo: m[3] ?? null, coldStarts: m[4] };
}

/** The CLI's metrics of one run (`scalelens simulate --format json`, runs[].metrics). */
interface CliMetrics {
  peakGpus: number;
  usdPerDay: number | null;
  sloAttainment: number | null;
  coldStarts: number;
}

/** lensFiguresOf formats figures as the CodeLens does: whole GPUs and dollars, SLO to one decimal. */
function lensFiguresOf(m: CliMetrics | SummaryView): LensFigures {
  const usd = 'usdPerDay' in m ? m.usdPerDay : m.costPerDay;
  return {
    peakGpus: String(m.peakGpus),
    usdPerDay: usd === null ? null : Math.round(usd).toLocaleString('en-US'),
    slo: m.sloAttainment === null ? null : (m.sloAttainment * 100).toFixed(1),
    coldStarts: String(m.coldStarts),
  };
}

/** simulationLens waits for the ScaleLens CodeLens of a document that opens the simulation. */
async function simulationLens(doc: vscode.TextDocument): Promise<vscode.CodeLens> {
  let titles: string[] = [];
  return retry(
    async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
      titles = lenses.map((l) => l.command?.title ?? '(unresolved)');
      return lenses.find((l) => l.command?.command === CommandIds.openSimulation);
    },
    () => `CodeLenses of ${doc.uri.path}: ${titles.join(' | ') || 'none'}`,
  );
}

/** cliMetrics runs the CLI the .vsix ships on the case's folder and returns the metrics of its autoscaler. */
async function cliMetrics(c: Case): Promise<CliMetrics> {
  const folder = join(workspaceRoot().fsPath, c.path, '..');
  const report = JSON.parse(await runCli(['simulate', folder, '--name', c.autoscaler, '--format', 'json'])) as { runs: Array<{ metrics: CliMetrics }> };
  assert.equal(report.runs.length, 1, `scalelens simulate --name ${c.autoscaler} ran ${report.runs.length} autoscalers`);
  return report.runs[0].metrics;
}

/** legendOf lists the series labels of a chart. */
function legendOf(s: PanelSnapshot, id: string): string[] {
  return s.charts.find((c) => c.id === id)?.series.map((x) => x.label) ?? [];
}

suite('ScaleLens simulation in a real editor', () => {
  suiteSetup(async () => {
    await bundledExamples();
  });

  for (const c of CASES) {
    test(`CodeLens shows the numbers of scalelens simulate: ${c.name}`, async () => {
      const editor = await openWithSiblings(c.path);
      const doc = editor.document;
      const lens = await simulationLens(doc);
      const title = lens.command!.title;
      assert.doesNotMatch(title, /cannot run/, `the simulator cannot run ${c.path}: ${title}`);
      assert.deepEqual(parseLens(title), lensFiguresOf(await cliMetrics(c)), `CodeLens '${title}' differs from the CLI`);
      // Above the autoscaler's document, and opening the simulation of that document.
      assert.equal(lens.range.start.line, doc.positionAt(doc.getText().search(/^apiVersion:/m)).line, 'the CodeLens is not above the autoscaler');
      assert.deepEqual(lens.command!.arguments, [doc.uri.toString(), 0]);
    });
  }

  for (const c of CASES) {
    test(`the panel draws four charts and the summary of the simulation: ${c.name}`, async () => {
      const { editor, view } = await openPanel(c.path);
      const shown = await snapshotWhen(view.title, 'the summary cards', (s) => s.title === view.title && s.cards.length > 0);
      assertChartsDrawn(shown);
      assertCards(shown, view.runs[0].summary);
      assert.ok(shown.cards.every((x) => x.alt === null), 'one run, yet a card shows a second one');
      assert.deepEqual(shown.runs, [], 'one run, yet the key of a comparison is shown');
      // The panel and the CodeLens report the same simulation.
      const lens = await simulationLens(editor.document);
      assert.deepEqual(parseLens(lens.command!.title), lensFiguresOf(view.runs[0].summary));
    });
  }

  test('the inlay hint after the scale target shows GPUs per replica and the cold start, within VS Code\'s hint length', async () => {
    const editor = await openWithSiblings(CPU_HPA_EXAMPLE);
    const doc = editor.document;
    const line = doc.lineAt(doc.positionAt(doc.getText().indexOf('    name: llama-3-1-8b')).line);
    let hints: vscode.InlayHint[] = [];
    const hint = await retry(
      async () => {
        hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
        return hints.find((h) => h.position.line === line.lineNumber);
      },
      () => `inlay hints: ${hints.map((h) => `${h.position.line + 1}: ${String(h.label)}`).join(' | ') || 'none'}`,
    );
    assert.equal(hint.position.character, line.range.end.character, 'not at the end of the scaleTargetRef name');
    const label = String(hint.label);
    assert.match(label, /^1 GPU\/replica · cold start ~\d+(\.\d)? (s|min)$/);
    // editor.inlayHints.maximumLength (43 by default) cuts longer labels off with an ellipsis.
    assert.ok(label.length <= 43, `${label.length} characters: '${label}'`);
    const tooltip = typeof hint.tooltip === 'string' ? hint.tooltip : hint.tooltip?.value ?? '';
    assert.match(tooltip, /node .*, image pull .*, weights .*, engine start /, 'the tooltip does not break the cold start down');
  });

  test('what-if: one more warm replica re-renders with a second run labelled what-if', async () => {
    const { panel, view } = await openPanel(KEDA_EXAMPLE);
    const min = view.knobs.find((k) => k.key === 'minReplicas');
    assert.ok(min, `no minReplicas knob; knobs: ${view.knobs.map((k) => k.key).join(', ')}`);
    await setKnob('minReplicas', min.value + 1, view.title);
    const after = await waitForView(panel, 'a what-if run', (v) => v.runs.length === 2);
    assert.deepEqual(after.runs.map((r) => r.label), ['current policy', 'what-if']);
    assert.deepEqual(after.runs[0].summary, view.runs[0].summary, 'the current policy changed with a what-if');
    assert.ok(after.runs[1].summary.meanReplicas > after.runs[0].summary.meanReplicas, `mean replicas ${after.runs[0].summary.meanReplicas} → ${after.runs[1].summary.meanReplicas}`);
    assert.equal(after.knobs.find((k) => k.key === 'minReplicas')?.value, min.value + 1);

    const shown = await snapshotWhen(view.title, 'the what-if run', (s) => s.cards.every((x) => x.altLabel?.startsWith('what-if: ')));
    assertChartsDrawn(shown);
    assert.deepEqual(shown.runs, ['A current policy', 'B what-if']);
    const whatIf = cardValues(after.runs[1].summary);
    for (const label of Object.keys(whatIf)) assert.ok(card(shown, label).alt!.startsWith(whatIf[label]), `card '${label}': ${card(shown, label).alt}`);
    assert.ok(legendOf(shown, 'chart-replicas').includes('desired (B)'), `legend: ${legendOf(shown, 'chart-replicas').join(', ')}`);
    assert.ok(shown.applyEnabled, 'Apply to YAML is disabled with a what-if shown');
  });

  test('Apply to YAML writes the what-if value into the manifest as one undoable edit', async () => {
    const { editor, panel, view } = await openPanel(KEDA_EXAMPLE);
    const doc = editor.document;
    const before = doc.getText();
    const min = view.knobs.find((k) => k.key === 'minReplicas')!.value;
    await setKnob('minReplicas', min + 1, view.title);
    await waitForView(panel, 'a what-if run', (v) => v.runs.length === 2);
    await snapshotWhen(view.title, 'Apply to YAML enabled', (s) => s.applyEnabled);

    await clickPanelButton('apply', view.title);
    await retry(() => (doc.getText() !== before ? true : undefined), () => 'Apply to YAML did not change the document');
    assert.equal(doc.getText(), before.replace(`minReplicaCount: ${min}\n`, `minReplicaCount: ${min + 1}\n`));
    // The panel follows: one run again, now of the edited policy.
    const applied = await waitForView(panel, 'the applied policy', (v) => v.runs.length === 1 && v.knobs.find((k) => k.key === 'minReplicas')?.value === min + 1);
    assert.equal(applied.version, doc.version);

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before, 'one undo did not restore the manifest');
    assert.equal(doc.isDirty, false);
  });

  test('the quick-fix preview shows the policy before and after the fix', async () => {
    closePanels();
    const editor = await openWithSiblings(CPU_HPA_EXAMPLE);
    const doc = editor.document;
    const before = doc.getText();
    const d = await waitForDiagnostic(doc.uri, 'cpu-metric-on-gpu-workload');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    const preview = actions.find((a) => a.title.startsWith('Preview in simulation: ') && a.command);
    assert.ok(preview?.command, `no preview action; offered: ${actions.map((a) => a.title).join(' | ')}`);
    const fixTitle = preview.title.slice('Preview in simulation: '.length);
    assert.ok(actions.some((a) => a.title === fixTitle && a.edit), `the preview names no offered fix: '${fixTitle}'`);

    const panel = await vscode.commands.executeCommand<Panel>(preview.command.command, ...(preview.command.arguments ?? []));
    const view = await waitForView(panel, 'two runs', (v) => v.runs.length === 2);
    assert.deepEqual(view.runs.map((r) => r.label), ['current policy', `after: ${fixTitle}`]);
    // The CPU HPA never leaves its minimum; the queue trigger the fix writes scales out in the spike.
    const [cur, fixed] = view.runs.map((r) => r.summary);
    assert.equal(cur.peakReplicas, 2);
    assert.ok(fixed.peakReplicas > cur.peakReplicas, `peak replicas ${cur.peakReplicas} → ${fixed.peakReplicas}`);
    assert.ok(fixed.sloAttainment! > cur.sloAttainment!, `SLO ${cur.sloAttainment} → ${fixed.sloAttainment}`);

    const shown = await snapshotWhen(view.title, 'both runs', (s) => s.cards.every((x) => x.altLabel?.startsWith(`after: ${fixTitle}: `)));
    assertChartsDrawn(shown);
    assert.deepEqual(shown.runs, ['A current policy', `B after: ${fixTitle}`]);
    const legend = legendOf(shown, 'chart-traffic');
    assert.ok(legend.includes('arriving (A)') && legend.includes('arriving (B)'), `legend: ${legend.join(', ')}`);
    assert.equal(doc.getText(), before, 'the preview edited the document');
  });

  test('the status bar item and the simulation commands are there', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: Array<{ command: string; title: string; category?: string }> } };
    const registered = new Set(await vscode.commands.getCommands(true));
    const titles = { [CommandIds.openSimulation]: 'Open Simulation', [CommandIds.chooseScenario]: 'Choose Scenario', [CommandIds.compareWith]: 'Compare With...', [CommandIds.exportSimulation]: 'Export...' };
    for (const [id, title] of Object.entries(titles)) {
      const declared = manifest.contributes.commands.find((c) => c.command === id);
      assert.equal(declared && `${declared.category}: ${declared.title}`, `ScaleLens: ${title}`, `${id} in package.json`);
      assert.ok(registered.has(id), `${id} is not registered`);
    }

    const { view } = await openPanel(KEDA_EXAMPLE);
    const s = view.runs[0].summary;
    // The same figures as the CodeLens, formatted the same way.
    const lens = lensFiguresOf(s);
    const wanted = [`SLO ${lens.slo}%`, `$${lens.usdPerDay}/day`];
    let item: Awaited<ReturnType<typeof statusBarItem>> = null;
    await retry(
      async () => {
        item = await statusBarItem();
        return item && wanted.every((w) => item!.text.includes(w)) ? true : undefined;
      },
      () => `status bar item: ${JSON.stringify(item)}; wanted ${wanted.join(' and ')}`,
    );
  });

  test('Choose Scenario re-runs the policy on the chosen traffic', async () => {
    const { panel, view } = await openPanel(CPU_HPA_EXAMPLE);
    assert.equal(view.scenario, 'profile');
    const command = vscode.commands.executeCommand(CommandIds.chooseScenario);
    await answerQuickPick('Diurnal');
    await command;
    const diurnal = await waitForView(panel, 'the diurnal scenario', (v) => v.scenario === 'diurnal');
    assert.notDeepEqual(diurnal.runs[0].summary, view.runs[0].summary, 'the same figures on other traffic');
    const shown = await snapshotWhen(view.title, 'the diurnal run', (s) => s.subtitle.startsWith('scenario diurnal'));
    assertChartsDrawn(shown);
    assert.equal(card(shown, 'SLO attainment').value, cardValues(diurnal.runs[0].summary)['SLO attainment']);
  });

  test('Compare With... runs another file\'s policy on the same traffic beside this one', async () => {
    const { editor, panel, view } = await openPanel(CPU_HPA_EXAMPLE);
    const command = vscode.commands.executeCommand(CommandIds.compareWith, editor.document.uri.toString(), 0);
    await answerQuickPick(KEDA_EXAMPLE);
    await command;
    const compared = await waitForView(panel, 'two runs', (v) => v.runs.length === 2);
    assert.deepEqual(compared.runs.map((r) => r.label), ['current policy', KEDA_EXAMPLE]);
    assert.deepEqual(compared.runs[0].summary, view.runs[0].summary);
    // The KEDA policy on the queue scales out in the spike; the CPU HPA does not (examples/README.md).
    assert.ok(compared.runs[1].summary.peakReplicas > compared.runs[0].summary.peakReplicas);
    const shown = await snapshotWhen(view.title, 'both runs', (s) => s.cards.every((x) => x.altLabel?.startsWith(`${KEDA_EXAMPLE}: `)));
    assertChartsDrawn(shown);
    assert.deepEqual(shown.runs, ['A current policy', `B ${KEDA_EXAMPLE}`]);
  });

  test('Export CSV writes the time series with its header', async () => {
    const { view } = await openPanel(KEDA_EXAMPLE);
    const target = vscode.Uri.joinPath(workspaceRoot(), 'exports', 'simulation.csv');
    await vscode.commands.executeCommand(CommandIds.exportSimulation, 'csv', target);
    const lines = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8').trimEnd().split('\n');
    assert.equal(lines[0], CSV_HEADER);
    const run = view.runs[0];
    assert.equal(lines.length, run.t.length + 1, 'one row per point of the series');
    const last = lines[lines.length - 1].split(',');
    assert.equal(Number(last[0]), run.t[run.t.length - 1]);
    assert.equal(Number(last[CSV_HEADER.split(',').indexOf('costUsd')]), run.series.costUsd[run.t.length - 1]);
  });

  test('Export HTML writes the report and Export PNG the charts the page drew', async () => {
    const { view } = await openPanel(KEDA_EXAMPLE);
    const html = vscode.Uri.joinPath(workspaceRoot(), 'exports', 'report.html');
    await vscode.commands.executeCommand(CommandIds.exportSimulation, 'html', html);
    const page = Buffer.from(await vscode.workspace.fs.readFile(html)).toString('utf8');
    assert.match(page, /^<!DOCTYPE html>/i);
    assert.ok(page.includes('llama-3-1-8b'), 'the report does not name the autoscaler');

    // The PNG is composed in the webview from its canvases and sent back to the extension, which writes it.
    const png = vscode.Uri.joinPath(workspaceRoot(), 'exports', 'charts.png');
    await vscode.commands.executeCommand(CommandIds.exportSimulation, 'png', png);
    const bytes = await retry(
      async () => {
        try {
          return await vscode.workspace.fs.readFile(png);
        } catch {
          return undefined;
        }
      },
      () => `${png.path} was never written`,
    );
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
    // Width and height from the IHDR chunk: the four charts stacked.
    const width = Buffer.from(bytes).readUInt32BE(16);
    const height = Buffer.from(bytes).readUInt32BE(20);
    assert.ok(width > 200 && height > 4 * 150, `${width}×${height} pixels for four charts of ${view.title}`);
  });
});
