/** What completion and hover providers receive about the cursor. */
import type { YAMLMap } from 'yaml';
import type { Node as YNode } from 'yaml';
import type { K8sObject } from '../model';
import type { ParsedFile, YamlDoc, YPath } from '../parse';
import type { WorkspaceIndex } from '../workspace';

/** The cursor in a YAML document, resolved to a path. */
export interface CursorContext {
  file: ParsedFile;
  doc: YamlDoc;
  /** The object of that document, if it has apiVersion/kind. */
  obj: K8sObject | undefined;
  ws: WorkspaceIndex;
  offset: number;
  /**
   * Path of the map the cursor is in (for a key) or of the value the cursor is on. For a key being typed
   * on a new line, the path of the enclosing map; for `key: |` the path including `key`.
   */
  path: YPath;
  /** True when the cursor is where a key stands or would be typed. */
  onKey: boolean;
  /** The map that holds the key at the cursor, if any. */
  map: YAMLMap | undefined;
  /** The node under the cursor (a key or value scalar), if any. */
  node: YNode | undefined;
  /** Keys already present in `map`. */
  existingKeys: Set<string>;
  /** The word being typed, and where it starts (the completion replaces [wordStart, offset)). */
  word: string;
  wordStart: number;
  /** Text of the current line before the cursor. */
  linePrefix: string;
}
