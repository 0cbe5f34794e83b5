/**
 * duplicate-trigger-name: two triggers of a ScaledObject or ScaledJob share a `name`.
 */
import { isMap, isSeq } from 'yaml';
import type { Scalar } from 'yaml';
import { get } from '../model';
import { getNode, scalarString } from '../parse';
import { replaceScalar } from '../yamlEdit';
import type { Rule } from './types';

/** duplicateTriggerName reports trigger names used twice in one object. */
export const duplicateTriggerName: Rule = {
  id: 'duplicate-trigger-name',
  defaultSeverity: 'error',
  appliesTo: ['ScaledObject', 'ScaledJob'],
  docs: {
    summary: 'Two triggers have the same `name`.',
    rationale:
      'Trigger names are how `scalingModifiers.formula` refers to each trigger\'s value (for a queue-and-KV-cache composite, say), so KEDA requires them to be unique and its admission webhook rejects the object otherwise. A copy-pasted trigger block is the usual cause.',
    remedy: 'Give each trigger its own name, and check that the formula refers to the one it means. The quick fix appends a number to the repeated name.',
    sources: ['KEDA scaletriggers_types.go ValidateTriggers ("triggerName … is defined multiple times")'],
  },
  check(ctx) {
    const triggers = get(ctx.obj, ['spec', 'triggers']);
    if (!isSeq(triggers)) return;
    const names = triggers.items.map((t) => (isMap(t) ? scalarString(getNode(t, ['name'])) : undefined));
    const taken = new Set(names.filter((n): n is string => !!n));
    const seen = new Set<string>();
    triggers.items.forEach((t, i) => {
      const name = names[i];
      if (!name || !isMap(t)) return;
      if (!seen.has(name)) { seen.add(name); return; }
      const node = getNode(t, ['name']) as Scalar | undefined;
      if (!node?.range) return;
      let n = 2;
      while (taken.has(`${name}-${n}`)) n++;
      taken.add(`${name}-${n}`);
      ctx.report({
        start: node.range[0],
        end: node.range[1],
        message: `Trigger name '${name}' is already used by an earlier trigger; KEDA requires unique names.`,
        fixes: [{ title: `Rename to '${name}-${n}'`, edits: [replaceScalar(node, `${name}-${n}`)] }],
      });
    });
  },
};
