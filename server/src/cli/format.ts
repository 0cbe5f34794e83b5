/** Output formats of `scalelens lint`: text (eslint-like), JSON and SARIF 2.1.0. */
import pc from 'picocolors';
import { allCheckDocs, checkDocMarkdown, checkDocText, docsUrl, Finding, lineCol, ParsedFile, Severity } from '../engine';

export interface FileResult {
  display: string;
  file: ParsedFile;
  findings: Finding[];
}

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

/** formatText prints `path:line:col  severity  message  code`, grouped per file, with a summary line. */
export function formatText(results: FileResult[], color: boolean): string {
  const c = pc.createColors(color);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.cyan, hint: c.dim };
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) {
    if (!r.findings.length) continue;
    lines.push(c.underline(r.display));
    for (const f of r.findings) {
      counts[f.severity]++;
      const { line, col } = lineCol(r.file, f.start);
      lines.push(`  ${r.display}:${line}:${col}  ${paint[f.severity](LABEL[f.severity].padEnd(7))}  ${f.message}  ${c.dim(f.code)}`);
    }
    lines.push('');
  }
  const total = counts.error + counts.warning + counts.info + counts.hint;
  const files = results.length;
  if (total === 0) lines.push(c.green(`✔ ${files} file${files === 1 ? '' : 's'} checked, no problems`));
  else {
    const parts = (Object.keys(counts) as Severity[]).filter((s) => counts[s]).map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`);
    lines.push(`${counts.error ? c.red('✖') : c.yellow('!')} ${total} problem${total === 1 ? '' : 's'} (${parts.join(', ')}) in ${files} file${files === 1 ? '' : 's'}`);
  }
  return lines.join('\n') + '\n';
}

/** formatJson gives one object per file with 1-based positions; `docsBase` adds each code's docs link. */
export function formatJson(results: FileResult[], docsBase?: string): string {
  return JSON.stringify(
    results.map((r) => ({
      file: r.display,
      findings: r.findings.map((f) => {
        const s = lineCol(r.file, f.start);
        const e = lineCol(r.file, f.end);
        return {
          code: f.code,
          severity: f.severity,
          message: f.message,
          line: s.line,
          column: s.col,
          endLine: e.line,
          endColumn: e.col,
          fixes: (f.fixes ?? []).map((x) => x.title),
          ...(docsBase ? { docs: docsUrl(docsBase, f.code) } : {}),
        };
      }),
    })),
    null,
    2,
  ) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * formatSarif emits a SARIF 2.1.0 log with every known rule and the results. Each rule carries its whole
 * documentation (code scanning shows `help.markdown`); `docsBase` adds a `helpUri` to its published section.
 */
export function formatSarif(results: FileResult[], version: string, docsBase?: string): string {
  const docs = allCheckDocs();
  const index = new Map(docs.map((d, i) => [d.id, i]));
  const sarifResults = [];
  for (const r of results) {
    for (const f of r.findings) {
      const s = lineCol(r.file, f.start);
      const e = lineCol(r.file, f.end);
      const uri = r.display === '<stdin>' ? 'stdin' : r.display.replace(/\\/g, '/').replace(/^\.\//, '');
      sarifResults.push({
        ruleId: f.code,
        ...(index.has(f.code) ? { ruleIndex: index.get(f.code) } : {}),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri },
              region: { startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: Math.max(e.col, e.line === s.line ? s.col + 1 : 1) },
            },
          },
        ],
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ScaleLens',
            version,
            rules: docs.map((d) => ({
              id: d.id,
              name: d.id.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase()),
              shortDescription: { text: d.docs.summary },
              fullDescription: { text: `${d.docs.summary} ${d.docs.rationale}`.trim() },
              help: { text: checkDocText(d), markdown: checkDocMarkdown(d) },
              ...(docsBase ? { helpUri: docsUrl(docsBase, d.id) } : {}),
              defaultConfiguration: { level: SARIF_LEVEL[d.defaultSeverity] },
            })),
          },
        },
        results: sarifResults,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
