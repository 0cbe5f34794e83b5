/**
 * The ScaleLens engine facade: a pure language service over YAML text (no editor, no LSP connection).
 * The language server and the CLI are two thin hosts of the same functions.
 */
export * from './types';
export { parseFile, type ParsedFile } from './parse';
export { WorkspaceIndex } from './workspace';
export { doValidation } from './services/validation';
export { doComplete } from './services/completion';
export { doHover } from './services/hover';
export { toRange, toOffset, toPosition, lineCol } from './positions';
export { applyEdits, fixAllOf } from './services/fixes';
export { allCheckDocs, checkDocMarkdown, checkDocText, docsUrl } from './services/docs';
export type { K8sObject, KnownKind, WorkloadInfo } from './model';
