/**
 * Whole-policy snippets for GPU model serving, offered at the top of an empty YAML document. Their text lives in
 * snippets.json (bodies as lists of lines, as in VS Code snippet files), which the benchmark's generated manifests
 * also read, so the policy recommended here and the one benchmarked are the same text.
 */
import snippets from './snippets.json';

/** A snippet: completion label and detail, a Markdown description and the body in snippet syntax. */
export interface PolicySnippet {
  label: string;
  detail: string;
  documentation: string;
  body: string;
}

/** policySnippets lists the snippets in the order completion offers them. */
export const policySnippets: PolicySnippet[] = snippets.map((s) => ({ ...s, body: s.body.join('\n') }));
