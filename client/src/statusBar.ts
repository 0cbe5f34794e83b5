/** The status bar item: findings of the active YAML file and the last simulation's headline. */
import * as vscode from 'vscode';
import { CommandIds, SimulationView } from '../../server/src/shared/protocol';
import { SimulationPanel } from './simulationPanel';

/** StatusBar shows `ScaleLens: 2 errors, 1 warning · SLO 97% · $318/day` and opens the simulation on click. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('scalelens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[] = [];
  private lastSim = new Map<string, SimulationView>();

  constructor() {
    this.item.name = 'ScaleLens';
    this.item.command = CommandIds.openSimulation;
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      SimulationPanel.onDidShowView.event((v) => {
        this.lastSim.set(v.uri, v);
        this.update();
      }),
    );
    this.update();
  }

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'yaml') {
      this.item.hide();
      return;
    }
    const diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'scalelens');
    const errors = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const warnings = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
    const parts: string[] = [];
    parts.push(errors || warnings ? `$(error) ${errors} $(warning) ${warnings}` : '$(check)');
    const sim = this.lastSim.get(doc.uri.toString());
    const s = sim?.runs[0]?.summary;
    if (s) {
      if (s.sloAttainment !== null) parts.push(`SLO ${(s.sloAttainment * 100).toFixed(1)}%`);
      if (s.costPerDay !== null) parts.push(`$${Math.round(s.costPerDay).toLocaleString('en-US')}/day`);
    }
    this.item.text = `ScaleLens ${parts.join(' · ')}`;
    const tip = new vscode.MarkdownString(`**ScaleLens** — ${errors} error(s), ${warnings} warning(s) in this file.`);
    if (s && sim) tip.appendMarkdown(`\n\nLast simulation of ${sim.title} (${sim.scenario}): peak ${s.peakGpus} GPUs, ${s.coldStarts} cold starts.`);
    tip.appendMarkdown('\n\nClick to open the simulation.');
    this.item.tooltip = tip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}
