/** The explicit registry of lint rules. Add a rule: create `<id>.ts` exporting a `Rule`, then list it here. */
import type { Rule } from './types';

export const rules: Rule[] = [];

/** ruleById finds a rule. */
export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
