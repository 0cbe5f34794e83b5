/**
 * Traffic recordings to replay. A recording given for a run (the CLI's `--traffic`, the panel's replay) that holds no
 * usable point is an error with one wording everywhere: `prepareSimulation` refuses it rather than simulating a
 * default day, and hosts that want to refuse a file before sending or running anything call checkRecording.
 */
import { ParsedRecording, parsePrometheusRange, parseTrafficCsv } from './traffic';

/** How a recording is written: CSV lines of (timestamp, requests per second), or a Prometheus `query_range` answer. */
export type RecordingFormat = 'csv' | 'prometheus';

/** recordingFormat tells how the simulator reads a recording by its file name: `.json` is Prometheus, the rest CSV. */
export function recordingFormat(name: string): RecordingFormat {
  return /\.json$/i.test(name) ? 'prometheus' : 'csv';
}

/** parseRecordingAs reads a recording written in a given format. */
export function parseRecordingAs(format: RecordingFormat, text: string): ParsedRecording {
  return format === 'prometheus' ? parsePrometheusRange(text) : parseTrafficCsv(text);
}

/** parseRecording reads a recording in the format its file name gives, as the simulator will. */
export function parseRecording(name: string, text: string): ParsedRecording {
  return parseRecordingAs(recordingFormat(name), text);
}

/**
 * readRecording parses a recording given for a run, or tells why it cannot be replayed. Its arguments may come from
 * a request's JSON, so values of other types than strings are reported, not trusted.
 */
export function readRecording(name: unknown, text: unknown): ParsedRecording | { error: string } {
  if (typeof name !== 'string' || !name) return { error: 'the recording has no file name (the name tells CSV from Prometheus JSON)' };
  if (typeof text !== 'string') return { error: `${name} has no text to replay` };
  const parsed = parseRecording(name, text);
  if (parsed.points.length > 0) return parsed;
  const why = parsed.problems.length ? `: ${parsed.problems.slice(0, 3).join('; ')}` : '';
  return { error: `${name} holds no usable traffic point${why}` };
}

/** checkRecording tells why a recording cannot be replayed, or undefined when it can (see readRecording). */
export function checkRecording(name: unknown, text: unknown): string | undefined {
  const r = readRecording(name, text);
  return 'error' in r ? r.error : undefined;
}
