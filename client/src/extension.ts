/**
 * The ScaleLens extension: starts the bundled language server over IPC and registers commands.
 * Everything that understands YAML lives in the server; the client only displays.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, RevealOutputChannelOn, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CommandIds } from '../../server/src/shared/protocol';

let client: LanguageClient | undefined;

/** activate starts the language client (called on the first YAML file). */
export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient | undefined }> {
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
  client = new LanguageClient('scalelens', 'ScaleLens', serverOptions, clientOptions);

  context.subscriptions.push(
    vscode.commands.registerCommand(CommandIds.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(CommandIds.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(CommandIds.fixAll, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      await vscode.commands.executeCommand('editor.action.fixAll');
    }),
  );

  await client.start();
  return { client };
}

/** deactivate stops the language server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
