/** The `scalelens` command line: the same engine as the language server, for CI. */
import { readFileSync } from 'node:fs';
import { HPA_HELP, runHpa } from './cli/hpa';
import { LINT_HELP, runLint } from './cli/lint';
import { runSimulate, SIMULATE_HELP } from './cli/simulate';
import { runVectors, VECTORS_HELP } from './cli/vectors';
import { installSimWorker } from './node/simWorker';

const VERSION = '0.1.0';

const HELP = `Usage: scalelens <command> [options]

Commands:
  lint <files...>        check KEDA/HPA manifests (text, JSON or SARIF output)
  simulate <files...>    simulate the autoscalers on their traffic: replicas, cost, SLO (text, JSON or HTML)
  vectors <file.json>    run HPA/KEDA test vectors against the simulator
  hpa <files...>         print the HPA KEDA creates for each ScaledObject (YAML or JSON)
  help [command]         show help

Run 'scalelens <command> --help' for a command's options.
`;

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  const io = {
    stdout: (s: string) => process.stdout.write(s),
    stderr: (s: string) => process.stderr.write(s),
    readStdin: () => readFileSync(0, 'utf8'),
    isTTY: !!process.stdout.isTTY,
    version: VERSION,
  };
  switch (cmd) {
    case 'lint':
      return runLint(rest, io);
    case 'vectors':
      return runVectors(rest, io);
    case 'hpa':
      return runHpa(rest, io);
    case 'simulate':
      // Later runs of the command (several files, --compare) hand their traffic draws to a helper thread.
      installSimWorker();
      return runSimulate(rest, { ...io, stderrIsTTY: !!process.stderr.isTTY, columns: process.stdout.columns });
    case '--version':
    case '-v':
      io.stdout(`${VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(rest[0] === 'lint' ? LINT_HELP : rest[0] === 'vectors' ? VECTORS_HELP : rest[0] === 'simulate' ? SIMULATE_HELP : rest[0] === 'hpa' ? HPA_HELP : HELP);
      return 0;
    default:
      io.stderr(`scalelens: unknown command '${cmd}'\n\n${HELP}`);
      return 2;
  }
}

// `scalelens lint ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`scalelens: internal error: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 2;
}
