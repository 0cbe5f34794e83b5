/**
 * The simulation panel across a window reload (Developer: Reload Window). The webview serializer must bring each
 * panel back on the autoscaler and traffic it showed, simulate again in the new extension host, draw the result,
 * and follow edits of its document again. The panels are opened before the reload and checked after it
 * (support/reload.ts).
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup } from 'mocha';
import * as vscode from 'vscode';
import { CommandIds, SummaryView } from '../../server/src/shared/protocol';
import { bundledExamples, EXTENSION_ID, retry } from './support/editor';
import { answerFileDialog, answerQuickPick, clickPanelButton, showTab } from './support/page';
import { testAcrossReload } from './support/reload';
import { assertCards, assertChartsDrawn, openPanel, Panel, ScaleLensApi, snapshotWhen, waitForView, workspaceRecording } from './support/simulation';

/** What a panel showed before the reload, to find it and compare after. */
interface Shown {
  uri: string;
  docIndex: number;
  title: string;
  scenario: string;
  summary: SummaryView;
}

/** A panel left open for the reload, and how its traffic was chosen. */
interface Case {
  name: string;
  path: string;
  scenario: string;
  chooseTraffic: (panel: Panel, title: string) => Promise<void>;
}

const CASES: Case[] = [
  {
    name: 'a panel on a scenario chosen with Choose Scenario',
    path: 'examples/vllm-keda-queue/scaledobject.yaml',
    scenario: 'diurnal',
    chooseTraffic: async () => {
      const command = vscode.commands.executeCommand(CommandIds.chooseScenario);
      await answerQuickPick('Diurnal');
      await command;
    },
  },
  {
    name: 'a panel replaying a recording',
    path: 'examples/vllm-cpu-hpa/hpa.yaml',
    scenario: 'replay traffic.csv',
    chooseTraffic: async (_panel, title) => {
      const path = await workspaceRecording('traffic.csv');
      await snapshotWhen(title, 'the first simulation', (s) => s.cards.length > 0);
      await clickPanelButton('replay', title);
      await answerFileDialog(path);
    },
  },
];

/** MIN_REPLICAS is the minimum replica count of an HPA (`minReplicas`) or a ScaledObject (`minReplicaCount`). */
const MIN_REPLICAS = /^(\s*)(minReplicas|minReplicaCount): (\d+)$/m;

/** restoredPanel waits, in the new extension host, for the panel bound to the autoscaler shown before to simulate. */
function restoredPanel(before: Shown): Promise<Panel> {
  let seen: string[] = [];
  return retry(
    () => {
      const ext = vscode.extensions.getExtension<ScaleLensApi>(EXTENSION_ID);
      const panels = ext?.isActive ? ext.exports.panels() : [];
      seen = panels.map((p) => (p.view ? `${p.view.uri}#${p.view.docIndex} (${p.view.scenario})` : `'${p.panel.title}' not simulated`));
      // A view exists only once this host has run the simulation: the page's saved drawing does not count.
      return panels.find((p) => p.view?.uri === before.uri && p.view.docIndex === before.docIndex);
    },
    () => `no panel on ${before.uri}#${before.docIndex} came back simulated; panels: ${seen.join(', ') || 'none'}`,
  );
}

suite('ScaleLens: the simulation panel across a window reload', () => {
  suiteSetup(async () => {
    await bundledExamples();
  });

  for (const c of CASES) {
    testAcrossReload<Shown>(
      `${c.name} comes back on its autoscaler and traffic, simulated again and drawn`,
      async () => {
        // The first case closes what earlier tests left open; the panels of these cases stay open for the reload.
        const { panel, view } = await openPanel(c.path, c !== CASES[0]);
        await c.chooseTraffic(panel, view.title);
        const chosen = await waitForView(panel, `the scenario '${c.scenario}'`, (v) => v.scenario === c.scenario);
        await snapshotWhen(view.title, `the scenario '${c.scenario}'`, (s) => s.scenario === c.scenario);
        return { uri: chosen.uri, docIndex: chosen.docIndex, title: chosen.title, scenario: chosen.scenario, summary: chosen.runs[0].summary };
      },
      async (before) => {
        const label = `Simulation: ${before.title}`;
        const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
        assert.ok(
          tabs.some((t) => t.label === label && t.input instanceof vscode.TabInputWebview),
          `no '${label}' tab after the reload; tabs: ${tabs.map((t) => t.label).join(', ')}`,
        );
        // Panels in one editor group share it: only the front one is drawn, so bring this one forward as a user would.
        await showTab(label);
        const panel = await restoredPanel(before);
        const view = panel.view!;
        assert.equal(view.title, before.title);
        assert.equal(view.scenario, before.scenario, 'the panel came back on other traffic');
        assert.deepEqual(view.runs[0].summary, before.summary, 'the same policy on the same traffic gives other figures');

        const shown = await snapshotWhen(before.title, 'the restored simulation', (s) => s.status === 'Simulation up to date' && s.cards.length > 0);
        assert.equal(shown.scenario, before.scenario);
        assert.ok(shown.subtitle.startsWith(`scenario ${before.scenario} `), `subtitle: '${shown.subtitle}'`);
        assertChartsDrawn(shown);
        assertCards(shown, view.runs[0].summary);

        // Bound to its document again: an edit of the minimum replica count reaches the panel's What if… box.
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(before.uri));
        const m = MIN_REPLICAS.exec(doc.getText());
        assert.ok(m, `no minimum replica count in ${doc.uri.path}`);
        const raised = Number(m[3]) + 1;
        const at = doc.positionAt(m.index + m[1].length + m[2].length + 2);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, new vscode.Range(at, at.translate(0, m[3].length)), String(raised));
        assert.ok(await vscode.workspace.applyEdit(edit));
        try {
          await waitForView(panel, `minReplicas ${raised} after the edit`, (v) => v.knobs.find((k) => k.key === 'minReplicas')?.value === raised);
        } finally {
          await vscode.window.showTextDocument(doc);
          await vscode.commands.executeCommand('workbench.action.files.revert');
        }
      },
    );
  }
});
