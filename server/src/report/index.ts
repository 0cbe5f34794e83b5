/**
 * The simulation report, shared by the CLI (`scalelens simulate --format json|html`) and the language
 * server (`scalelens/report`): build it from finished simulations, then print it as JSON or render it as
 * one self-contained HTML file.
 */
export { buildSimulationReport, type ReportOptions, type ReportRunInput, type AssumptionInput } from './model';
export { renderHtmlReport } from './html';
export type * from './types';
