/**
 * The HorizontalPodAutoscaler KEDA creates for a ScaledObject, written out as the manifest `kubectl get hpa -o yaml`
 * would show (less the fields the API server fills in): users read a ScaledObject's replica counts through it, and
 * it is where KEDA's minimum of 1, its default maximum of 100 and its metric names (`s0-prometheus`) come from.
 * Hovering a ScaledObject's `kind` shows it.
 */
import { stringify } from 'yaml';
import { get, type K8sObject, targetRefOf } from '../model';
import { scalarString, stringMap } from '../parse';
import type { HoverResult } from '../schema/lookup';
import type { CursorContext } from '../services/context';
import { hpaSpecForScaledObject } from '../sim/keda';
import { policyFromObject, type MetricTarget, type PartialScalingRules, type ScaledObjectSpec } from '../sim/policy';
import type { WorkspaceIndex } from '../workspace';

/** Trigger types whose HPA metric KEDA names from the type alone (other scalers add their own parts to the name). */
const NAMED_BY_TYPE = new Set(['prometheus', 'cpu', 'memory']);

/** The label KEDA puts on the external metrics of the HPA, naming the ScaledObject they belong to. */
const OWNER_LABEL = 'scaledobject.keda.sh/name';

/** quantity writes milli-units as a Kubernetes quantity, as KEDA's resource.NewMilliQuantity serializes them. */
function quantity(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

function targetOf(t: MetricTarget): Record<string, unknown> {
  if (t.type === 'Utilization') return { type: 'Utilization', averageUtilization: t.averageUtilization };
  return t.type === 'Value' ? { type: 'Value', value: quantity(t.milli) } : { type: 'AverageValue', averageValue: quantity(t.milli) };
}

function rules(r: PartialScalingRules | undefined): Record<string, unknown> | undefined {
  if (!r) return undefined;
  const out: Record<string, unknown> = {};
  if (r.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = r.stabilizationWindowSeconds;
  if (r.selectPolicy !== undefined) out.selectPolicy = r.selectPolicy;
  if (r.policies) out.policies = r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds }));
  return out;
}

/**
 * generatedHpa is the HPA manifest KEDA creates for a ScaledObject, or why it cannot be written: a ScaledObject
 * that cannot be read, or a trigger whose metric name KEDA builds from scaler-specific metadata.
 */
export function generatedHpa(obj: K8sObject, ws: WorkspaceIndex): { manifest: Record<string, unknown>; name: string; fromZero: boolean } | { error: string } {
  const policy = policyFromObject(obj, ws);
  if ('error' in policy) return { error: policy.error };
  if (policy.kind !== 'keda') return { error: 'not a ScaledObject' };
  const spec: ScaledObjectSpec = policy.spec;
  const other = spec.triggers.find((t) => !NAMED_BY_TYPE.has(t.type));
  if (other) return { error: `KEDA names the metric of a '${other.type}' trigger from its own metadata` };
  const hpa = hpaSpecForScaledObject(spec);
  // policyFromObject has checked that the target has a name.
  const target = targetRefOf(obj)!;
  const ref = { apiVersion: target.apiVersion ?? 'apps/v1', kind: target.kind, name: target.name };
  // KEDA cuts names and label values to the 63 characters a label value may hold.
  const soName = (obj.name ?? '').slice(0, 63);
  const name = scalarString(get(obj, ['spec', 'advanced', 'horizontalPodAutoscalerConfig', 'name'])) ?? `keda-hpa-${obj.name ?? ''}`.slice(0, 63);
  const metrics = hpa.metrics.map((m) => {
    switch (m.type) {
      case 'External':
        return { type: 'External', external: { metric: { name: m.name, selector: { matchLabels: { [OWNER_LABEL]: soName } } }, target: targetOf(m.target) } };
      case 'Resource':
        return { type: 'Resource', resource: { name: m.name, target: targetOf(m.target) } };
      case 'ContainerResource':
        return { type: 'ContainerResource', containerResource: { name: m.name, container: m.container, target: targetOf(m.target) } };
      default:
        return { type: m.type };
    }
  });
  // The behavior as written, with the select policy a paused-scale annotation sets; the API server defaults the rest.
  const written = spec.behavior;
  const scaleUp = rules(spec.pausedScaleOut ? { ...written?.scaleUp, selectPolicy: 'Disabled' } : written?.scaleUp);
  const scaleDown = rules(spec.pausedScaleIn ? { ...written?.scaleDown, selectPolicy: 'Disabled' } : written?.scaleDown);
  if (scaleUp && spec.tolerance?.up !== undefined) scaleUp.tolerance = String(spec.tolerance.up);
  if (scaleDown && spec.tolerance?.down !== undefined) scaleDown.tolerance = String(spec.tolerance.down);
  const behavior = scaleUp || scaleDown ? { ...(scaleUp ? { scaleUp } : {}), ...(scaleDown ? { scaleDown } : {}) } : undefined;
  // KEDA's labels (less `app.kubernetes.io/version`, its own release), then the ScaledObject's; its annotations as they are.
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': soName, 'app.kubernetes.io/managed-by': 'keda-operator', ...stringMap(get(obj, ['metadata', 'labels'])) };
  const annotations = stringMap(get(obj, ['metadata', 'annotations']));
  const manifest = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, ...(obj.namespace ? { namespace: obj.namespace } : {}), labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: { scaleTargetRef: ref, minReplicas: hpa.minReplicas, maxReplicas: hpa.maxReplicas, metrics, ...(behavior ? { behavior } : {}) },
  };
  return { manifest, name, fromZero: spec.minReplicaCount === 0 || spec.idleReplicaCount !== undefined };
}

/** hpaYaml writes a generated HPA manifest as YAML. */
export function hpaYaml(manifest: Record<string, unknown>): string {
  return stringify(manifest, { lineWidth: 0 });
}

/** generatedHpaHover answers a hover on a ScaledObject's `kind` value with the HPA KEDA creates for it. */
export function generatedHpaHover(ctx: CursorContext): HoverResult | undefined {
  const obj = ctx.obj;
  if (obj?.known !== 'ScaledObject' || ctx.onKey || ctx.path.length !== 1 || ctx.path[0] !== 'kind' || !ctx.node?.range) return undefined;
  const r = generatedHpa(obj, ctx.ws);
  const lines: string[] = [];
  if ('error' in r) lines.push('**ScaledObject** (KEDA): KEDA creates an HPA that scales the target, and scales it between 0 and 1 itself when its minimum is 0.', `The HPA it creates is not shown here: ${r.error}.`);
  else {
    lines.push(r.fromZero ? '**ScaledObject** (KEDA): KEDA itself scales the target between 0 and 1 (activation) and creates an HPA for the counts above.' : '**ScaledObject** (KEDA): KEDA creates an HPA that scales the target.');
    lines.push(`The HPA it creates (\`kubectl get hpa ${r.name} -o yaml\` once applied, less KEDA's version label and what the API server fills in — the behavior's defaults among them):`);
    lines.push('```yaml\n' + hpaYaml(r.manifest).trimEnd() + '\n```');
    lines.push('Its minimum is never 0, and its external metrics read the triggers through KEDA\'s metrics server.');
  }
  return { markdown: lines.join('\n\n'), start: ctx.node.range[0], end: ctx.node.range[1] };
}
