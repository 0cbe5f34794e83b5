/** Schema hover: documents with the cursor marked `|`, the text the hover covers and what its markdown says. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doHover, parseFile, WorkspaceIndex } from '../../server/src/engine';
import { cursor } from '../support/cursor';

interface Case {
  name: string;
  doc: string;
  /** The hovered text, or undefined when no hover is expected. */
  span: string | undefined;
  contains?: string[];
  lacks?: string[];
}

const SO = 'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: m\n';
const HPA = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n';
const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n';

const cases: Case[] = [
  {
    name: 'a KEDA key: text, type, default, unit and GPU note',
    doc: `${SO}spec:\n  polling|Interval: 15\n`,
    span: 'pollingInterval',
    contains: ['`pollingInterval`: integer · default `30` · seconds', 'How often KEDA checks each trigger', '**GPU serving:**'],
  },
  {
    name: 'the start of a key',
    doc: `${SO}spec:\n  |cooldownPeriod: 600\n`,
    span: 'cooldownPeriod',
    contains: ['default `300`', 'scales the target to zero'],
  },
  {
    name: 'an enum value lists the allowed values',
    doc: `${HPA}spec:\n  behavior:\n    scaleDown:\n      selectPolicy: Di|sabled\n`,
    span: 'Disabled',
    contains: ['`selectPolicy`: string · default `Max`', 'Allowed: `Max`, `Min`, `Disabled`.'],
  },
  {
    name: 'scale-down stabilization has its own default',
    doc: `${HPA}spec:\n  behavior:\n    scaleDown:\n      stabilization|WindowSeconds: 600\n`,
    span: 'stabilizationWindowSeconds',
    contains: ['default `300`', 'highest recommendation'],
  },
  {
    name: 'scale-up stabilization has its own default',
    doc: `${HPA}spec:\n  behavior:\n    scaleUp:\n      stabilization|WindowSeconds: 60\n`,
    span: 'stabilizationWindowSeconds',
    contains: ['default `0`', 'lowest recommendation'],
  },
  {
    name: 'a key inside a sequence item',
    doc: `${HPA}spec:\n  behavior:\n    scaleUp:\n      policies:\n        - ty|pe: Pods\n          value: 2\n          periodSeconds: 60\n`,
    span: 'type',
    contains: ['`Pods` allows a change of that many pods', 'Allowed: `Pods`, `Percent`.'],
  },
  {
    name: 'a container field of a Deployment',
    doc: `${DEPLOY}spec:\n  template:\n    spec:\n      containers:\n        - name: vllm\n          startup|Probe:\n            httpGet:\n              path: /health\n`,
    span: 'startupProbe',
    contains: ['`startupProbe`: object', 'failureThreshold x periodSeconds'],
  },
  {
    name: 'the replicas of a workload warn about autoscalers',
    doc: `${DEPLOY}spec:\n  replicas|: 3\n`,
    span: 'replicas',
    contains: ['default `1`', 'fights the autoscaler'],
  },
  {
    name: 'an undocumented Kubernetes field still shows its type',
    doc: `${DEPLOY}spec:\n  template:\n    spec:\n      hostIP|C: true\n`,
    span: 'hostIPC',
    contains: ['`hostIPC`: boolean'],
    lacks: ['GPU serving'],
  },
  {
    name: 'a ScaledJob pod template field',
    doc: 'apiVersion: keda.sh/v1alpha1\nkind: ScaledJob\nspec:\n  jobTargetRef:\n    template:\n      spec:\n        toler|ations: []\n',
    span: 'tolerations',
    contains: ['nvidia.com/gpu:NoSchedule'],
  },
  {
    name: 'a v1 HPA apiVersion explains what v2 adds',
    doc: 'apiVersion: autoscaling/v|1\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n',
    span: 'autoscaling/v1',
    contains: ['can only scale on CPU utilization'],
  },
  { name: 'an unknown key has no hover', doc: `${SO}spec:\n  bogus|Key: 1\n`, span: undefined },
  { name: 'a document without a known kind has no hover', doc: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  ke|y: v\n', span: undefined },
];

for (const c of cases) {
  test(`hover: ${c.name}`, () => {
    const { text, offset } = cursor(c.doc);
    const h = doHover(parseFile('file:///h.yaml', text), offset, new WorkspaceIndex());
    if (c.span === undefined) {
      assert.equal(h, undefined);
      return;
    }
    assert.ok(h, 'a hover is shown');
    assert.equal(text.slice(h.start, h.end), c.span);
    for (const s of c.contains ?? []) assert.ok(h.markdown.includes(s), `hover lacks "${s}":\n${h.markdown}`);
    for (const s of c.lacks ?? []) assert.ok(!h.markdown.includes(s), `hover should not say "${s}"`);
  });
}
