/**
 * V8 heap settings of the language server process, applied when this module is evaluated: main.ts imports it
 * first, so they are in force before the engine's modules load.
 *
 * Other editors and the benchmark run `node dist/server.js --stdio`, so V8 options cannot go on the command line
 * (only VS Code's client could pass them, as execArgv), and V8 reads `--max-semi-space-size` only when the heap is
 * created. The two flags below are read at every GC instead, so setting them here works for every client.
 * Measured on the benchmark's files (peak RSS, VmHWM): the benchmark's editing session peaks at 95 MiB without
 * them and 82 MiB with them; opening every file and asking for its code lenses (a simulation per autoscaler)
 * peaks at 141 MiB without them, 119 MiB with the first alone and 92 MiB with both. The live heap stays under
 * 30 MiB throughout; the rest was young generation grown to 2 x 16 MiB and old generation left to grow to several
 * times its live size between full GCs. The cost, more frequent GCs, is within the run-to-run noise of the
 * server's CPU time in the benchmark (1.3 to 1.6 s either way).
 */
import { setFlagsFromString } from 'node:v8';

// Keep the young generation at its initial 2 x 1 MiB: short-lived parse garbage dies there just the same.
setFlagsFromString('--semi-space-growth-factor=1');
// Collect the old generation when it has grown 20 % past what the last full GC kept alive.
setFlagsFromString('--heap-growing-percent=20');
