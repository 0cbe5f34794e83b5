/**
 * The ScaleLens extension: starts the bundled language server over IPC, registers commands, the
 * simulation panel and the status bar. Everything that understands YAML lives in the server; the client
 * only displays.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, RevealOutputChannelOn, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CommandIds } from '../../server/src/shared/protocol';
import { PANEL_VIEW_TYPE, parsePanelState, SimulationPanel } from './simulationPanel';
import { StatusBar } from './statusBar';

let client: LanguageClient | undefined;

/** The extension's API, returned from activate (tests use it). */
export interface ScaleLensApi {
  client: LanguageClient | undefined;
  panels: () => SimulationPanel[];
}

/** activate starts the language client (called on the first YAML file). */
export async function activate(context: vscode.ExtensionContext): Promise<ScaleLensApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const output = vscode.window.createOutputChannel('ScaleLens', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.yaml,*.yml,.scalelens.yaml}') },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  const lc = new LanguageClient('scalelens', 'ScaleLens', serverOptions, clientOptions);
  client = lc;

  const activeYaml = (): vscode.TextDocument | undefined => {
    const d = vscode.window.activeTextEditor?.document;
    return d && d.languageId === 'yaml' ? d : undefined;
  };
  /** The panel to act on: the one for the active file, else the only one open. */
  const targetPanel = (): SimulationPanel | undefined => {
    const d = activeYaml();
    return (d && SimulationPanel.forUri(d.uri.toString())) ?? (SimulationPanel.all().length === 1 ? SimulationPanel.all()[0] : undefined);
  };

  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(CommandIds.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(CommandIds.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(CommandIds.fixAll, async () => {
      if (vscode.window.activeTextEditor) await vscode.commands.executeCommand('editor.action.fixAll');
    }),
    vscode.commands.registerCommand(CommandIds.openSimulation, (uri?: string, docIndex?: number) => {
      const target = uri ?? activeYaml()?.uri.toString();
      if (!target) {
        void vscode.window.showInformationMessage('ScaleLens: open a YAML file with a ScaledObject or HorizontalPodAutoscaler first.');
        return undefined;
      }
      return SimulationPanel.createOrShow(context, lc, { uri: target, docIndex });
    }),
    vscode.commands.registerCommand(CommandIds.chooseScenario, async () => {
      const panel = targetPanel() ?? (activeYaml() ? SimulationPanel.createOrShow(context, lc, { uri: activeYaml()!.uri.toString() }) : undefined);
      if (!panel) return;
      const items: Array<vscode.QuickPickItem & { id: string }> = [
        { id: 'profile', label: 'From the ServingProfile', description: 'the scenario the workspace profile defines (or a default day)' },
        { id: 'diurnal', label: 'Diurnal', description: 'a daily wave between 30 % and 200 % of the minimum capacity' },
        { id: 'spike', label: 'Spike', description: 'steady traffic, then three times as much for half an hour' },
        { id: 'step', label: 'Step', description: 'half, then one and a half times the minimum capacity' },
        { id: 'ramp', label: 'Ramp', description: 'a two-hour climb to twice the minimum capacity' },
        { id: 'constant', label: 'Constant', description: '70 % of the minimum capacity all day' },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'ScaleLens: traffic scenario', placeHolder: 'Simulate the policy against…' });
      if (pick) panel.setScenario(pick.id);
    }),
    vscode.commands.registerCommand(CommandIds.compareWith, async (uri?: string, docIndex?: number) => {
      const base = uri ?? activeYaml()?.uri.toString();
      if (!base) return undefined;
      const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/node_modules/**', 500);
      const picks = files.filter((f) => f.toString() !== base).map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f }));
      const pick = await vscode.window.showQuickPick(picks, { title: 'ScaleLens: compare with the policy in…', matchOnDescription: true });
      if (!pick) return undefined;
      const panel = SimulationPanel.createOrShow(context, lc, { uri: base, docIndex });
      panel.compareWith({ uri: pick.uri.toString(), label: pick.label });
      return panel;
    }),
    vscode.commands.registerCommand(CommandIds.previewFix, (uri: string, docIndex: number, text: string, title: string) => {
      const panel = SimulationPanel.createOrShow(context, lc, { uri, docIndex });
      panel.compareWith({ uri, docIndex, text, label: `after: ${title}` });
      return panel;
    }),
    // `target` skips the save dialog (for scripts and the end-to-end tests).
    vscode.commands.registerCommand(CommandIds.exportSimulation, async (what?: 'csv' | 'png' | 'html', target?: vscode.Uri) => {
      const panel = targetPanel();
      if (!panel) {
        void vscode.window.showInformationMessage('ScaleLens: open a simulation first (ScaleLens: Open Simulation).');
        return;
      }
      const choice = what ?? (await vscode.window.showQuickPick([
        { label: 'Time series (CSV)', id: 'csv' as const },
        { label: 'Charts (PNG)', id: 'png' as const },
        { label: 'Report (HTML)', id: 'html' as const },
      ], { title: 'ScaleLens: export the simulation' }))?.id;
      if (choice) await panel.exportAs(choice, target);
    }),
    vscode.commands.registerCommand(CommandIds.openExamples, async () => {
      // The examples ship inside the extension; copy them so the user can edit them freely.
      const dest = vscode.Uri.joinPath(context.globalStorageUri, 'examples');
      await vscode.workspace.fs.createDirectory(context.globalStorageUri);
      await vscode.workspace.fs.copy(vscode.Uri.joinPath(context.extensionUri, 'examples'), dest, { overwrite: true });
      await vscode.commands.executeCommand('vscode.openFolder', dest, { forceNewWindow: false });
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown) {
        const state = parsePanelState(saved);
        if (!state) {
          panel.dispose();
          return;
        }
        await lc.start().catch(() => undefined);
        await SimulationPanel.revive(context, lc, panel, state);
      },
    }),
    new StatusBar(),
  );

  await lc.start();
  return { client: lc, panels: () => SimulationPanel.all() };
}

/** deactivate stops the language server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
