/** Seeded randomness and the repository's YAML files, for the tests that damage or edit them at random. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** seeded is a small linear congruential generator in [0, 1): the same seed gives the same draws on every machine. */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** yamlFiles lists the `.yaml`/`.yml` files under a folder, in name order, smaller than maxBytes. */
export function yamlFiles(dir: string, maxBytes = 20_000): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p, maxBytes));
    else if (/\.ya?ml$/.test(name) && statSync(p).size < maxBytes) out.push(p);
  }
  return out;
}
