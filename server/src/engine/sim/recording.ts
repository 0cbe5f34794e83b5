/**
 * Traffic recordings to replay, checked before a simulation runs. The simulator reads an unusable recording as
 * "no recording" and simulates a default day instead; every host (the CLI's `--traffic`, the language server's
 * `scalelens/simulate` and the editor's panel) checks with checkRecording first, so such a file is an error with one
 * wording everywhere rather than a silent fallback.
 */
import { ParsedRecording, parsePrometheusRange, parseTrafficCsv } from './traffic';

/** How a recording is written: CSV lines of (timestamp, requests per second), or a Prometheus `query_range` answer. */
export type RecordingFormat = 'csv' | 'prometheus';

/** recordingFormat tells how the simulator reads a recording by its file name: `.json` is Prometheus, the rest CSV. */
export function recordingFormat(name: string): RecordingFormat {
  return /\.json$/i.test(name) ? 'prometheus' : 'csv';
}

/** parseRecording reads a recording in the format its file name gives, as the simulator will. */
export function parseRecording(name: string, text: string): ParsedRecording {
  return recordingFormat(name) === 'prometheus' ? parsePrometheusRange(text) : parseTrafficCsv(text);
}

/**
 * checkRecording tells why a recording cannot be replayed, or undefined when it can. Its arguments may come from a
 * request's JSON, so values of other types than strings are reported, not trusted.
 */
export function checkRecording(name: unknown, text: unknown): string | undefined {
  if (typeof name !== 'string' || !name) return 'the recording has no file name (the name tells CSV from Prometheus JSON)';
  if (typeof text !== 'string') return `${name} has no text to replay`;
  const parsed = parseRecording(name, text);
  if (parsed.points.length > 0) return undefined;
  const why = parsed.problems.length ? `: ${parsed.problems.slice(0, 3).join('; ')}` : '';
  return `${name} holds no usable traffic point${why}`;
}
