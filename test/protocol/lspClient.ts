/** A real JSON-RPC client for protocol tests: spawns the bundled server over stdio. */
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  ExitNotification,
  ShutdownRequest,
  DidOpenTextDocumentNotification,
} from 'vscode-languageserver-protocol/node';

export interface TestServer {
  conn: ProtocolConnection;
  proc: ChildProcess;
  /** waitForDiagnostics resolves with the next publishDiagnostics for a uri that satisfies the predicate. */
  waitForDiagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): Promise<void>;
  /** lastDiagnostics is the last publishDiagnostics the server sent for a uri. */
  lastDiagnostics(uri: string): PublishDiagnosticsParams | undefined;
  stop(): Promise<void>;
  stderr(): string;
}

/** startServer spawns dist/server.js and initializes it as a client without pull diagnostics. */
export async function startServer(opts: { rootUri?: string; settings?: Record<string, unknown>; pull?: boolean; silentConfiguration?: boolean } = {}): Promise<TestServer> {
  const proc = spawn(process.execPath, [resolve(__dirname, '../../../dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => { err += String(d); });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const listeners: Array<(p: PublishDiagnosticsParams) => void> = [];
  const last = new Map<string, PublishDiagnosticsParams>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    last.set(p.uri, p);
    for (const l of [...listeners]) l(p);
  });
  conn.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
    // A client that never answers: the request stays pending for the whole run.
    opts.silentConfiguration ? new Promise(() => undefined) : params.items.map(() => opts.settings ?? {}));
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: opts.rootUri ?? null,
    workspaceFolders: opts.rootUri ? [{ uri: opts.rootUri, name: 'ws' }] : null,
    capabilities: {
      workspace: { configuration: true },
      textDocument: {
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        ...(opts.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
        completion: { completionItem: { snippetSupport: true } },
        hover: { contentFormat: ['markdown'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
      },
    },
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    proc,
    stderr: () => err,
    lastDiagnostics: (uri) => last.get(uri),
    waitForDiagnostics(uri, pred = () => true, timeoutMs = 10000) {
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        const l = (p: PublishDiagnosticsParams): void => {
          if (p.uri !== uri || !pred(p)) return;
          clearTimeout(t);
          listeners.splice(listeners.indexOf(l), 1);
          res(p);
        };
        listeners.push(l);
      });
    },
    async open(uri, text, version = 1) {
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
    },
    async stop() {
      try {
        await conn.sendRequest(ShutdownRequest.type);
        await conn.sendNotification(ExitNotification.type);
      } catch { /* already gone */ }
      conn.dispose();
      proc.kill();
    },
  };
}
