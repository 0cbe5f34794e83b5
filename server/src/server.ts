/**
 * The language server: a thin protocol layer over the engine. Every handler looks up the document,
 * takes the cached parse and calls the engine, inside runSafe (cancellation and error containment).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancellationToken,
  CodeAction,
  CodeActionKind,
  CodeLens,
  InlayHint,
  InlayHintKind,
  Connection,
  Diagnostic,
  DiagnosticSeverity,
  DiagnosticTag,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReport,
  DocumentDiagnosticReportKind,
  FileChangeType,
  InitializeResult,
  ResponseError,
  LSPErrorCodes,
  TextDocuments,
  TextDocumentSyncKind,
  TextEdit as LspTextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  allCheckDocs,
  defaultSettings,
  doComplete,
  doHover,
  doValidation,
  docsUrl,
  EngineSettings,
  Finding,
  Fix,
  fixAllOf,
  parseFile,
  ParsedFile,
  Severity,
  toOffset,
  toPosition,
  toRange,
  WorkspaceIndex,
} from './engine';
import { findConfig, loadConfig } from './config';
import { applyEdits } from './engine';
import { coldStartOf, describeColdStart, duration } from './engine/rules/helpers/coldstart';
import { autoscalersOf, knobEdit, lensSummary, reportHtml, simulateView } from './simulationService';
import { ApplyKnobsParams, CodeLensData, CommandIds, Methods, RawSettings, SETTINGS_SECTION, SimulateParams } from './shared/protocol';

const MAX_INDEX_FILES = 5000;
const MAX_INDEX_BYTES = 2 * 1024 * 1024;

/** Data attached to each diagnostic so code actions can return its fixes without recomputing. */
interface DiagnosticData {
  version: number;
  fixes: Array<{ title: string; isPreferred?: boolean; edits: Array<{ uri?: string; start: number; end: number; newText: string }> }>;
}

/** The rule docs shipped inside the extension (dist/../docs/rules.md), linked from each diagnostic when present. */
const bundledDocs = join(__dirname, '..', 'docs', 'rules.md');
const haveBundledDocs = existsSync(bundledDocs);

/** docsHref links a diagnostic code to its section of the bundled rule docs (a local file, so it works offline). */
function docsHref(code: string): string | undefined {
  return haveBundledDocs ? docsUrl(pathToFileURL(bundledDocs).toString(), code) : undefined;
}

/** startServer wires the engine to an LSP connection. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const ws = new WorkspaceIndex();
  const parses = new Map<string, ParsedFile>();
  const settingsCache = new Map<string, Promise<EngineSettings>>();
  const findingsCache = new Map<string, { version: number; generation: number; findings: Finding[] }>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  let hasConfiguration = false;
  let pullDiagnostics = false;
  let workspaceRoots: string[] = [];
  // Diagnostics follow typing after this pause; on open they are sent at once.
  const diagnosticsDelay = 150;

  const sev: Record<Severity, DiagnosticSeverity> = {
    error: DiagnosticSeverity.Error,
    warning: DiagnosticSeverity.Warning,
    info: DiagnosticSeverity.Information,
    hint: DiagnosticSeverity.Hint,
  };

  /** parsed returns the one parse of a document's current version (and keeps the index in step). */
  function parsed(doc: TextDocument): ParsedFile {
    const cached = parses.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    // A request that began before the latest edit gets a parse of its own: the current one stays as it is.
    if (cached && cached.version > doc.version) return parseFile(doc.uri, doc.getText(), doc.version);
    const text = doc.getText();
    const indexed = ws.file(doc.uri);
    if (!cached && indexed && indexed.version < 0 && indexed.text === text) {
      // A file opened as it is on disk: the workspace index parsed this very text already. Adopting that parse
      // saves the parse on open, and the index (its generation included) stays as it is.
      indexed.version = doc.version;
      parses.set(doc.uri, indexed);
      return indexed;
    }
    // An edit is parsed again only in the `---` documents it touched; the previous parse hands over the rest.
    const file = parseFile(doc.uri, text, doc.version, cached);
    parses.set(doc.uri, file);
    const before = crossFileSignature(ws.file(doc.uri));
    ws.update(file);
    if (crossFileSignature(file) !== before) pendingDependents = true;
    return file;
  }

  /**
   * crossFileSignature is the text of the documents other files can depend on (Kubernetes objects of
   * known kinds). When it is unchanged — a file opened as it was indexed from disk, or an edit of a file
   * with no such object — other open documents need not be checked again.
   */
  function crossFileSignature(file: ParsedFile | undefined): string {
    if (!file) return '';
    let sig = '';
    for (const o of ws.objectsIn(file.uri)) if (o.known && o.file === file) sig += `${o.doc.index}\u0000${file.text.slice(o.doc.start, o.doc.end)}\u0001`;
    return sig;
  }
  let pendingDependents = false;

  /**
   * getSettings gives the settings of one document: defaults, then the nearest `.scalelens.yaml`, then the
   * editor's `scalelens.*` settings for that resource (what the user set in the editor wins).
   */
  function getSettings(uri: string): Promise<EngineSettings> {
    let p = settingsCache.get(uri);
    if (!p) {
      const base = projectConfig(uri);
      // A client that never answers a configuration request must not hold diagnostics up: after half a second the
      // document goes on with the project's settings.
      const raw: Promise<RawSettings | null> = hasConfiguration
        ? Promise.race([connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }), new Promise<null>((resolve) => setTimeout(() => resolve(null), 500))])
        : Promise.resolve({});
      p = raw.then((r) => mergeSettings(base, r ?? {})).catch(() => base);
      settingsCache.set(uri, p);
    }
    return p as Promise<EngineSettings>;
  }

  function projectConfig(uri: string): EngineSettings {
    if (!uri.startsWith('file:')) return defaultSettings;
    try {
      const { settings, problems } = loadConfig(findConfig(dirname(fileURLToPath(uri))));
      for (const p of problems) connection.console.warn(p);
      return settings;
    } catch {
      return defaultSettings;
    }
  }

  async function findingsFor(doc: TextDocument, token?: CancellationToken): Promise<Finding[]> {
    const file = parsed(doc);
    const cached = findingsCache.get(doc.uri);
    if (cached && cached.version === doc.version && cached.generation === ws.generation) return cached.findings;
    const settings = await getSettings(doc.uri);
    // The document moved on while the settings came: a newer parse may have taken over this one's documents.
    if (documents.get(doc.uri)?.version !== doc.version) return [];
    const generation = ws.generation;
    const findings = doValidation(file, ws, settings, () => token?.isCancellationRequested ?? false);
    // A cancelled validation stops early with part of the findings: caching them would serve the next pull of the
    // same version (the client cancels a pull when the server asks for a refresh) an incomplete answer.
    if (!token?.isCancellationRequested) findingsCache.set(doc.uri, { version: doc.version, generation, findings });
    return findings;
  }

  function toDiagnostic(file: ParsedFile, f: Finding): Diagnostic {
    const href = docsHref(f.code);
    const d: Diagnostic = {
      range: toRange(file, f.start, f.end),
      severity: sev[f.severity],
      source: 'scalelens',
      code: f.code,
      ...(href ? { codeDescription: { href } } : {}),
      message: f.message,
    };
    if (f.tags?.length) d.tags = f.tags.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
    if (f.related?.length) {
      d.relatedInformation = f.related.map((r) => {
        const other = r.uri === file.uri ? file : ws.file(r.uri) ?? file;
        return { location: { uri: r.uri, range: toRange(other, r.start, r.end) }, message: r.message };
      });
    }
    if (f.fixes?.length) d.data = { version: file.version, fixes: f.fixes } satisfies DiagnosticData;
    return d;
  }

  async function diagnosticsOf(doc: TextDocument, token?: CancellationToken): Promise<Diagnostic[]> {
    const file = parsed(doc);
    const findings = await findingsFor(doc, token);
    return findings.map((f) => toDiagnostic(file, f));
  }

  async function publish(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    try {
      const diagnostics = await diagnosticsOf(doc);
      // Drop the result if the document moved on while we computed it.
      if (documents.get(uri)?.version !== doc.version) return;
      await connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    } catch (e) {
      connection.console.error(`Error while validating ${uri}: ${(e as Error).stack ?? e}`);
    }
  }

  /** Publishes under way, by uri: indexing and code lenses wait for them, so diagnostics come first. */
  const publishing = new Map<string, Promise<void>>();
  function startPublish(uri: string): void {
    const run: Promise<void> = publish(uri).finally(() => {
      if (publishing.get(uri) === run) publishing.delete(uri);
    });
    publishing.set(uri, run);
  }

  /**
   * afterPublishing resolves when the diagnostics under way (of one document, or of all) have gone out; they wait
   * for nothing but the settings, which give up on a silent client (see getSettings).
   */
  function afterPublishing(uri?: string): Promise<unknown> {
    const runs = uri === undefined ? [...publishing.values()] : [publishing.get(uri)].filter((r) => r !== undefined);
    return Promise.all(runs);
  }

  function schedule(uri: string, delay: number): void {
    if (pullDiagnostics) return;
    const t = pending.get(uri);
    if (t) clearTimeout(t);
    if (delay <= 0) {
      pending.delete(uri);
      startPublish(uri);
      return;
    }
    pending.set(uri, setTimeout(() => { pending.delete(uri); startPublish(uri); }, delay));
  }

  /** Other open documents may depend on a file that changed (a scale target); check them again. */
  let dependentsTimer: ReturnType<typeof setTimeout> | undefined;
  function dependentsAfter(uri: string): void {
    if (dependentsTimer) clearTimeout(dependentsTimer);
    dependentsTimer = setTimeout(() => {
      const doc = documents.get(uri);
      if (!doc) return;
      pendingDependents = false;
      parsed(doc);
      if (pendingDependents) revalidateOthers(uri);
    }, diagnosticsDelay * 2);
  }

  function revalidateOthers(except?: string): void {
    if (pullDiagnostics) {
      void connection.languages.diagnostics.refresh().catch(() => undefined);
      return;
    }
    for (const d of documents.all()) if (d.uri !== except) schedule(d.uri, diagnosticsDelay);
  }

  connection.onInitialize((params): InitializeResult => {
    const caps = params.capabilities;
    hasConfiguration = !!caps.workspace?.configuration;
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    workspaceRoots = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (!workspaceRoots.length && params.rootUri) workspaceRoots = [params.rootUri];
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        completionProvider: { triggerCharacters: [':', ' ', '"', '{', ',', '='], resolveProvider: false },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: true },
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
        diagnosticProvider: pullDiagnostics ? { interFileDependencies: true, workspaceDiagnostics: false, identifier: 'scalelens' } : undefined,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'scalelens', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (hasConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
    void indexWorkspace();
  });

  /** indexWorkspace reads the workspace's YAML files once, so targets in closed files resolve. */
  async function indexWorkspace(): Promise<void> {
    let count = 0;
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > 12 || count >= MAX_INDEX_FILES) return;
      let entries;
      try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
      for (const e of entries) {
        if (count >= MAX_INDEX_FILES) return;
        if (e.name.startsWith('.') || e.name === 'node_modules') continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p, depth + 1);
        else if (/\.ya?ml$/i.test(e.name)) {
          const uri = pathToFileURL(p).toString();
          if (documents.get(uri)) continue;
          try {
            const st = await stat(p);
            if (st.size > MAX_INDEX_BYTES) continue;
            const text = await readFile(p, 'utf8');
            if (!/\bkind\s*:/.test(text)) continue;
            // Diagnostics of open documents go first: a large file parses for tens of milliseconds.
            await afterPublishing();
            if (documents.get(uri)) continue; // opened meanwhile: the editor's text is indexed
            ws.update(parseFile(uri, text, -1));
            count++;
          } catch { /* unreadable files are skipped */ }
        }
      }
    };
    for (const root of workspaceRoots) {
      if (!root.startsWith('file:')) continue;
      await walk(fileURLToPath(root), 0);
    }
    if (count) revalidateOthers();
  }

  connection.onDidChangeWatchedFiles(async (params) => {
    if (params.changes.some((c) => c.uri.endsWith('/.scalelens.yaml'))) {
      settingsCache.clear();
      findingsCache.clear();
    }
    for (const change of params.changes) {
      if (change.uri.endsWith('/.scalelens.yaml')) continue;
      if (documents.get(change.uri)) continue; // open documents are the source of truth
      if (change.type === FileChangeType.Deleted) ws.remove(change.uri);
      else {
        try {
          const text = await readFile(fileURLToPath(change.uri), 'utf8');
          if (documents.get(change.uri)) continue; // opened meanwhile: the editor's text is indexed
          ws.update(parseFile(change.uri, text, -1));
        } catch { ws.remove(change.uri); }
      }
    }
    revalidateOthers();
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    findingsCache.clear();
    revalidateOthers();
  });

  // TextDocuments follows each open with a content change of the same document; the open's publish covers it.
  let opened: TextDocument | undefined;
  documents.onDidOpen((e) => {
    pendingDependents = false;
    opened = e.document;
    // Ask the client for the settings first, so the round trip overlaps the parse.
    void getSettings(e.document.uri);
    parsed(e.document);
    schedule(e.document.uri, 0);
    if (pendingDependents) revalidateOthers(e.document.uri);
  });
  documents.onDidChangeContent((e) => {
    const isOpen = e.document === opened;
    opened = undefined;
    if (isOpen) return;
    schedule(e.document.uri, diagnosticsDelay);
    // Other documents follow once this one has settled (its parse happens when its diagnostics run).
    dependentsAfter(e.document.uri);
  });
  documents.onDidClose((e) => {
    const t = pending.get(e.document.uri);
    if (t) clearTimeout(t);
    pending.delete(e.document.uri);
    const last = parses.get(e.document.uri);
    parses.delete(e.document.uri);
    findingsCache.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    // Keep the file in the index (it still exists on disk) but as it is on disk: unsaved edits are dropped.
    void readFile(fileURLToPath(e.document.uri), 'utf8')
      .then((text) => {
        if (documents.get(e.document.uri)) return; // opened again meanwhile: the editor's text rules
        if (last && last.text === text && ws.file(e.document.uri) === last) last.version = -1;
        else ws.update(parseFile(e.document.uri, text, -1));
      })
      .catch(() => {
        if (!documents.get(e.document.uri)) ws.remove(e.document.uri);
      });
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(async (params, token) =>
    runSafe<DocumentDiagnosticReport>(async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      return { kind: DocumentDiagnosticReportKind.Full, items: await diagnosticsOf(doc, token) };
    }, { kind: DocumentDiagnosticReportKind.Full, items: [] }, `diagnostics for ${params.textDocument.uri}`, token),
  );

  connection.onCompletion((params, token) =>
    runSafe(async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const file = parsed(doc);
      const offset = toOffset(file, params.position);
      const items = doComplete(file, offset, ws);
      return { isIncomplete: false, items: items.map((it) => withRange(file, offset, it)) };
    }, [], `completion for ${params.textDocument.uri}`, token),
  );

  connection.onHover((params, token) =>
    runSafe(async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const file = parsed(doc);
      const h = doHover(file, toOffset(file, params.position), ws);
      if (!h) return null;
      return { contents: { kind: 'markdown' as const, value: h.markdown }, range: toRange(file, h.start, h.end) };
    }, null, `hover for ${params.textDocument.uri}`, token),
  );

  connection.onCodeAction((params, token) =>
    runSafe(async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const file = parsed(doc);
      const actions: CodeAction[] = [];
      const wantFixAll = params.context.only?.some((k) => k.startsWith(CodeActionKind.SourceFixAll));
      const findings = await findingsFor(doc, token);
      // Edits of an older version would land in the wrong places (and `file` may have handed its documents on).
      if (documents.get(doc.uri)?.version !== doc.version) return [];
      if (wantFixAll) {
        const codes = new Set(findings.filter((f) => f.fixes?.some((x) => x.isPreferred)).map((f) => f.code));
        for (const code of codes) {
          const all = fixAllOf(findings.filter((f) => f.fixes?.[0]?.isPreferred), code);
          if (all) actions.push(toAction(file, all, CodeActionKind.SourceFixAll, []));
        }
        return actions;
      }
      const seenCodes = new Set<string>();
      for (const d of params.context.diagnostics) {
        if (d.source !== 'scalelens') continue;
        const data = d.data as DiagnosticData | undefined;
        if (!data || data.version !== doc.version) continue;
        for (const fx of data.fixes) {
          actions.push(toAction(file, fx, CodeActionKind.QuickFix, [d]));
          const preview = previewAction(file, fx);
          if (preview) actions.push(preview);
        }
        const code = String(d.code);
        if (!seenCodes.has(code)) {
          seenCodes.add(code);
          const all = fixAllOf(findings, code);
          if (all) actions.push(toAction(file, all, CodeActionKind.QuickFix, []));
        }
      }
      return actions;
    }, [], `code actions for ${params.textDocument.uri}`, token),
  );

  /**
   * previewAction offers "Preview in simulation" for a fix that changes an autoscaling policy: the panel
   * then shows the policy before and after the fix, on the same traffic.
   */
  function previewAction(file: ParsedFile, fix: DiagnosticData['fixes'][number]): CodeAction | undefined {
    const own = fix.edits.filter((e) => e.uri === undefined || e.uri === file.uri);
    if (!own.length) return undefined;
    const policyDoc = autoscalersOf(ws, file).find((o) => own.some((e) => e.start < o.doc.end && e.end >= o.doc.start));
    if (!policyDoc) return undefined;
    let after: string;
    try {
      after = applyEdits(file.text, own.map((e) => ({ ...e, uri: undefined })));
    } catch {
      return undefined;
    }
    return {
      title: `Preview in simulation: ${fix.title}`,
      kind: CodeActionKind.QuickFix,
      command: { title: 'Preview in simulation', command: CommandIds.previewFix, arguments: [file.uri, policyDoc.doc.index, after, fix.title] },
    };
  }

  function toAction(file: ParsedFile, fix: Fix | DiagnosticData['fixes'][number], kind: string, diagnostics: Diagnostic[]): CodeAction {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const e of fix.edits) {
      const uri = e.uri ?? file.uri;
      const target = uri === file.uri ? file : ws.file(uri);
      if (!target) continue;
      (changes[uri] ??= []).push({ range: toRange(target, e.start, e.end), newText: e.newText });
    }
    const edit: WorkspaceEdit = { changes };
    const action: CodeAction = { title: fix.title, kind, edit };
    if (diagnostics.length) action.diagnostics = diagnostics;
    if (fix.isPreferred) action.isPreferred = true;
    return action;
  }

  function withRange(file: ParsedFile, offset: number, it: import('vscode-languageserver').CompletionItem): import('vscode-languageserver').CompletionItem {
    const data = it.data as { replaceStart?: number } | undefined;
    if (data?.replaceStart !== undefined && !it.textEdit) {
      it.textEdit = { range: toRange(file, data.replaceStart, offset), newText: it.insertText ?? it.label };
      delete it.data;
    }
    return it;
  }

  /**
   * Code lenses resolve lazily: listing them runs no simulation, so a file with dozens of autoscalers opens at once,
   * and VS Code resolves only the lenses in view, each running one simulation (memoized in lensSummary).
   */
  connection.onCodeLens((params, token) =>
    runSafe(async () => {
      await afterPublishing(params.textDocument.uri);
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const file = parsed(doc);
      const lenses: CodeLens[] = [];
      for (const obj of autoscalersOf(ws, file)) {
        const at = toRange(file, obj.doc.start, obj.doc.start);
        const data: CodeLensData = {
          uri: doc.uri,
          version: doc.version,
          docIndex: obj.doc.index,
          kind: obj.known as CodeLensData['kind'],
          name: obj.name ?? '',
        };
        lenses.push({ range: at, data });
        lenses.push({ range: at, command: { title: 'Compare with…', command: CommandIds.compareWith, arguments: [doc.uri, obj.doc.index] } });
      }
      return lenses;
    }, [], `code lenses for ${params.textDocument.uri}`, token),
  );

  /**
   * A lens of another version than the document's (an edit came between listing and resolving) resolves to a neutral
   * "Simulate…" that opens the panel, without figures: they would be those of a text that is gone, and VS Code asks
   * for the new version's lenses after each edit anyway, so no simulation is spent on text still being typed.
   */
  connection.onCodeLensResolve((lens, token) => {
    const data = lensDataOf(lens.data);
    if (!data) return lens;
    const neutral = (docIndex: number): CodeLens => ({ range: lens.range, command: { title: 'Simulate…', command: CommandIds.openSimulation, arguments: [data.uri, docIndex] } });
    return runSafe(async () => {
      await afterPublishing(data.uri);
      // Several lenses resolve at once: let edits, completions and cancellation in between their simulations.
      await new Promise((resolve) => setImmediate(resolve));
      const doc = documents.get(data.uri);
      if (!doc || doc.version !== data.version || token.isCancellationRequested) return neutral(currentIndexOf(data));
      const obj = autoscalersOf(ws, parsed(doc)).find((o) => o.doc.index === data.docIndex);
      // The same version number after a close and reopen can be another text: the autoscaler must still be there.
      if (!obj || obj.known !== data.kind || (obj.name ?? '') !== data.name) return neutral(currentIndexOf(data));
      const s = lensSummary(ws, obj);
      const title = 'error' in s ? `Simulate · cannot run: ${s.error}` : s.title;
      return { range: lens.range, command: { title, command: CommandIds.openSimulation, arguments: [data.uri, obj.doc.index] } };
    }, neutral(data.docIndex), `code lens of ${data.uri}`, token);
  });

  /** currentIndexOf finds a lens's autoscaler in the document as it is now (by kind and name), else keeps its index. */
  function currentIndexOf(data: CodeLensData): number {
    const doc = documents.get(data.uri);
    if (!doc) return data.docIndex;
    const same = (o: { known?: string; name?: string }) => o.known === data.kind && (o.name ?? '') === data.name;
    const all = autoscalersOf(ws, parsed(doc));
    return (all.find((o) => o.doc.index === data.docIndex && same(o)) ?? all.find(same))?.doc.index ?? data.docIndex;
  }

  connection.languages.inlayHint.on((params, token) =>
    runSafe(async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const file = parsed(doc);
      const hints: InlayHint[] = [];
      for (const obj of autoscalersOf(ws, file)) {
        const target = ws.resolveTarget(obj);
        const w = target && ws.workload(target);
        if (!target || !w || w.gpusPerPod <= 0) continue;
        const nameNode = obj.doc.doc.getIn(['spec', 'scaleTargetRef', 'name'], true) as { range?: [number, number, number] } | undefined;
        if (!nameNode?.range) continue;
        const cold = coldStartOf(ws, target, w);
        // VS Code cuts hints after 43 characters by default (editor.inlayHints.maximumLength): the label holds the
        // figures, the tooltip the cold start's parts.
        const label = `${w.gpusPerPod} GPU${w.gpusPerPod === 1 ? '' : 's'}/replica${cold ? ` · cold start ~${duration(cold.totalSeconds)}` : ''}`;
        const tooltip = `${cold ? `Cold start ${describeColdStart(cold)}.\n\n` : ''}Inferred by ScaleLens from the scale target (resources, image, model) and the ServingProfile or defaults.`;
        const end = file.text.indexOf('\n', nameNode.range[1]);
        hints.push({ position: toPosition(file, end < 0 ? file.text.length : end), label, kind: InlayHintKind.Type, paddingLeft: true, tooltip });
      }
      return hints;
    }, [], `inlay hints for ${params.textDocument.uri}`, token),
  );

  connection.onRequest(Methods.simulate, (params: SimulateParams, token) =>
    runSafe(async () => {
      const doc = documents.get(params.uri);
      const file = doc ? parsed(doc) : ws.file(params.uri);
      if (!file) return { error: 'the document is not open' };
      return simulateView(ws, file, params);
    }, { error: 'the simulation failed; see the ScaleLens output' }, `simulation of ${params.uri}`, token),
  );

  connection.onRequest(Methods.report, (params: SimulateParams, token) =>
    runSafe(async () => {
      const doc = documents.get(params.uri);
      const file = doc ? parsed(doc) : ws.file(params.uri);
      if (!file) return { error: 'the document is not open' };
      return reportHtml(ws, file, params, 'scalelens 0.1.0');
    }, { error: 'the report failed; see the ScaleLens output' }, `report of ${params.uri}`, token),
  );

  connection.onRequest(Methods.applyKnobs, (params: ApplyKnobsParams, token) =>
    runSafe(async () => {
      const doc = documents.get(params.uri);
      if (!doc) return { error: 'the document is not open' };
      if (doc.version !== params.version) return { error: 'the document changed since this simulation; try again' };
      const file = parsed(doc);
      const edit = knobEdit(ws, file, params.docIndex, params.values);
      if (!edit) return { error: 'these values are already in the manifest' };
      if ('error' in edit) return edit;
      return { edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: [{ range: toRange(file, edit.start, edit.end), newText: edit.newText }] }] } };
    }, { error: 'failed to compute the edit' }, `apply knobs to ${params.uri}`, token),
  );

  documents.listen(connection);
  connection.listen();

  // Keep the list of check docs resolvable even if nothing references it yet (docs are generated from it).
  void allCheckDocs;
}

/** mergeSettings lays the editor's raw `scalelens.*` settings over a base (defaults or `.scalelens.yaml`). */
export function mergeSettings(base: EngineSettings, raw: RawSettings): EngineSettings {
  const rules: EngineSettings['rules'] = { ...base.rules };
  for (const [k, v] of Object.entries(raw.rules ?? {})) {
    if (v === 'off' || v === 'error' || v === 'warning' || v === 'info' || v === 'hint') rules[k] = v;
  }
  return {
    validate: typeof raw.validate === 'boolean' ? raw.validate : base.validate,
    rules,
    kedaVersion: typeof raw.kedaVersion === 'string' && raw.kedaVersion && raw.kedaVersion !== defaultSettings.kedaVersion ? raw.kedaVersion : base.kedaVersion,
    kubernetesVersion:
      typeof raw.kubernetesVersion === 'string' && raw.kubernetesVersion && raw.kubernetesVersion !== defaultSettings.kubernetesVersion ? raw.kubernetesVersion : base.kubernetesVersion,
    gpuBudget: typeof raw.gpuBudget === 'number' && raw.gpuBudget > 0 ? raw.gpuBudget : base.gpuBudget,
  };
}

/** lensDataOf reads the data a simulation CodeLens carries back from the client, or undefined for any other lens. */
function lensDataOf(data: unknown): CodeLensData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Partial<Record<keyof CodeLensData, unknown>>;
  const kindOk = d.kind === 'HorizontalPodAutoscaler' || d.kind === 'ScaledObject';
  const ok = typeof d.uri === 'string' && Number.isInteger(d.version) && Number.isInteger(d.docIndex) && kindOk && typeof d.name === 'string';
  return ok ? (data as CodeLensData) : undefined;
}

/** runSafe runs a handler, honouring cancellation before and after, and never lets an exception escape. */
async function runSafe<T>(fn: () => Promise<T>, fallback: T, what: string, token: CancellationToken): Promise<T | ResponseError<never>> {
  if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  try {
    const result = await fn();
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    return result;
  } catch (e) {
    console.error(`Error while computing ${what}: ${(e as Error).stack ?? e}`);
    return fallback;
  }
}
