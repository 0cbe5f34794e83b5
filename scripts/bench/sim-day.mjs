// Times the simulator's 24-hour benchmark run in this (fresh) process and prints the figures as JSON.
// Usage: node scripts/bench/sim-day.mjs <simulator bundle written by loadSimulation>
import { createRequire } from 'node:module';
import { timeDay } from './sim.mjs';

const bundle = process.argv[2];
if (!bundle) {
  console.error('usage: node scripts/bench/sim-day.mjs <simulator bundle>');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(timeDay(createRequire(import.meta.url)(bundle)))}\n`);
