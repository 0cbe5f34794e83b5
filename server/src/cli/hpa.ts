/** `scalelens hpa`: the HorizontalPodAutoscaler KEDA creates for each ScaledObject, as YAML or JSON. */
import { generatedHpa, hpaYaml } from '../engine/keda/generatedHpa';
import { parseFile, WorkspaceIndex } from '../engine';
import { CommandIO, parseCommand } from './command';
import { encodingNotes, inputsFor } from './inputs';

export const HPA_HELP = `Usage: scalelens hpa [options] <files|folders|globs|->...

Prints the HorizontalPodAutoscaler KEDA creates for each ScaledObject of the inputs: its name
(keda-hpa-<name>), its bounds (a minimum of at least 1, a maximum of 100 unless set), its metrics
as KEDA names and orders them, and the behavior as written. Review it, or diff it against the
HPA in a cluster (kubectl get hpa keda-hpa-<name> -o yaml).

Options:
  -f, --format <yaml|json>   output format (default: yaml; one document per ScaledObject)
  -h, --help                 show this help

Exit codes: 0 an HPA was written for every ScaledObject, 1 one could not be (the reason is
printed in its place), 2 usage or I/O error, or no ScaledObject in the inputs.
`;

/** What the command needs from its environment. */
export interface HpaIO extends CommandIO {
  readStdin: () => string;
}

/** runHpa runs the command and returns the exit code. */
export function runHpa(argv: string[], io: HpaIO): number {
  const parsed = parseCommand({ name: 'hpa', help: HPA_HELP, formats: ['text', 'yaml', 'json'], options: {}, needsInput: true }, argv, io);
  if (typeof parsed === 'number') return parsed;
  const format = parsed.format === 'json' ? 'json' : 'yaml';
  const inputs = inputsFor('hpa', parsed.positionals, io);
  if (!inputs) return 2;
  for (const note of encodingNotes(inputs, false)) io.stderr(`scalelens hpa: ${note}\n`);
  const ws = new WorkspaceIndex();
  const files = inputs.map((i) => parseFile(i.uri, i.text));
  for (const f of files) ws.update(f);
  const docs: string[] = [];
  const json: unknown[] = [];
  let failed = 0;
  files.forEach((file, k) => {
    for (const obj of ws.ensure(file)) {
      if (obj.known !== 'ScaledObject') continue;
      const label = `ScaledObject ${obj.namespace ? `${obj.namespace}/` : ''}${obj.name ?? '(no name)'} (${inputs[k].display})`;
      const r = generatedHpa(obj, ws);
      if ('error' in r) {
        failed++;
        docs.push(`# ${label}: no HPA written: ${r.error}\n`);
        json.push({ scaledObject: label, error: r.error });
      } else {
        docs.push(`# the HPA KEDA creates for ${label}\n${hpaYaml(r.manifest)}`);
        json.push({ scaledObject: label, hpa: r.manifest });
      }
    }
  });
  if (!docs.length) {
    io.stderr('scalelens hpa: no ScaledObject in the inputs\n');
    return 2;
  }
  io.stdout(format === 'json' ? JSON.stringify(json, null, 2) + '\n' : docs.join('---\n'));
  return failed ? 1 : 0;
}
