/** Documentation of the trigger checks, in the project's own words; `docs/rules.md` is generated from it. */
import type { CheckDoc, RuleDocs } from '../rules/types';
import { triggerSeverity } from './validate';

const SCHEMA_SOURCE = 'kedacore/keda schema/generated/scalers-schema.json @8b4f083 (scaler parameters, defaults, allowed values)';
const TYPED_CONFIG = 'kedacore/keda pkg/scalers/scalersconfig/typed_config.go (how metadata, `<name>FromEnv` and TriggerAuthentication parameters are read)';

const docs: Record<keyof typeof triggerSeverity, RuleDocs> = {
  'trigger-unknown-type': {
    summary: 'A trigger names a scaler type KEDA does not have.',
    rationale: 'KEDA cannot build the scaler, so the ScaledObject never becomes ready and the model server keeps whatever replica count it had.',
    remedy: 'Use one of the built-in scaler types (the quick fix offers the closest one), or `external` for a custom gRPC scaler.',
    sources: [SCHEMA_SOURCE, 'kedacore/keda pkg/scaling/scalers_builder.go (buildScaler)'],
  },
  'trigger-deprecated-type': {
    summary: 'The trigger uses a scaler KEDA has announced for deprecation.',
    rationale: 'A deprecated scaler receives no fixes and is removed in a later release, which would stop the autoscaling of this workload after an upgrade.',
    remedy: 'Plan a move to a maintained scaler, e.g. `prometheus` on the managed Prometheus of your cloud.',
    sources: [SCHEMA_SOURCE, 'https://keda.sh/blog/2025-09-15-gcp-deprecations'],
  },
  'trigger-not-for-scaledjob': {
    summary: 'A cpu or memory trigger is used in a ScaledJob.',
    rationale: 'These scalers become HPA Resource metrics of running pods; a ScaledJob has no HPA, so the trigger cannot work there.',
    remedy: 'Scale the jobs on the queue or backlog they consume instead.',
    sources: ['keda-docs content/docs/2.18/scalers/cpu.md and memory.md (ScaledObject only)'],
  },
  'trigger-invalid-metric-type': {
    summary: 'The trigger-level `metricType` is not one the scaler accepts.',
    rationale: 'KEDA rejects `Utilization` for every scaler but cpu and memory, and cpu/memory take only Utilization or AverageValue; the trigger then fails and scaling stops.',
    remedy: 'Use AverageValue (the default, target per replica) or Value (target for the whole metric); Utilization only on cpu/memory.',
    sources: ['kedacore/keda pkg/scalers/scaler.go (GetMetricTargetType)', 'keda-docs content/docs/2.18/scalers/cpu.md'],
  },
  'trigger-unknown-key': {
    summary: 'A metadata key is not a parameter of the trigger\'s scaler.',
    rationale: 'KEDA ignores keys it does not know, so a misspelt `activationThreshold` or `ignoreNullValues` silently leaves the default in force, e.g. an empty Prometheus result keeps reading as 0.',
    remedy: 'Rename the key (the quick fix offers the closest parameter, including case-only differences such as `serveraddress`) or remove it.',
    sources: [SCHEMA_SOURCE, TYPED_CONFIG],
  },
  'trigger-key-not-in-metadata': {
    summary: 'A known parameter is written in metadata although KEDA reads it only from a TriggerAuthentication or an environment variable.',
    rationale: 'The value is ignored, so the scaler runs without the credential or setting you meant to give it, and a secret sits in plain text in the manifest.',
    remedy: 'Move the value into a TriggerAuthentication (or `<name>FromEnv` where supported) and reference it with `authenticationRef`.',
    sources: [SCHEMA_SOURCE, TYPED_CONFIG],
  },
  'trigger-missing-parameter': {
    summary: 'A parameter the scaler requires is given neither in metadata, nor through `<name>FromEnv`, nor by the referenced TriggerAuthentication.',
    rationale: 'KEDA refuses to build the scaler ("missing required parameter"), so the workload is not autoscaled at all.',
    remedy: 'Add the parameter to metadata, or provide it through an environment variable or the TriggerAuthentication, as the message lists.',
    sources: [SCHEMA_SOURCE, TYPED_CONFIG],
  },
  'trigger-invalid-value': {
    summary: 'A metadata value is outside the values the parameter accepts (an enum, or a boolean other than `true`/`false`).',
    rationale: 'KEDA checks allowed values case-sensitively and fails the trigger on any other value, so `offsetResetPolicy: Latest` stops scaling.',
    remedy: 'Use one of the listed values; the quick fix corrects case and near misses.',
    sources: [SCHEMA_SOURCE, TYPED_CONFIG],
  },
  'trigger-not-a-number': {
    summary: 'A numeric parameter (threshold, target, activation value, ...) does not hold a number.',
    rationale: 'KEDA cannot parse the value and fails the trigger, so no replicas are added when load rises.',
    remedy: 'Write a plain number as a quoted string, e.g. `threshold: "5"`; cpu/memory `value` also takes a quantity such as `500m`.',
    sources: [SCHEMA_SOURCE, TYPED_CONFIG],
  },
  'trigger-value-not-string': {
    summary: 'A metadata value is a YAML number, boolean, list or map instead of a string.',
    rationale: 'Trigger metadata is a map of strings in the KEDA CRD; kubectl and GitOps tools get the whole object rejected by the API server (kubectl reads `yes`/`on` as booleans too).',
    remedy: 'Quote the value (`threshold: "5"`, `ignoreNullValues: "false"`); the quick fix quotes exactly that scalar.',
    sources: ['kedacore/keda config/crd/bases/keda.sh_scaledobjects.yaml (metadata: additionalProperties string)'],
  },
  'trigger-removed-key': {
    summary: 'A metadata key was removed from KEDA in the version your cluster runs (`scalelens.kedaVersion`).',
    rationale: 'Removed keys are either ignored (`metricName`, removed in 2.12: the metric name is generated) or make the trigger fail (cpu/memory `type`, removed in 2.18), so the manifest does not do what it says.',
    remedy: 'Apply the quick fix: it deletes the line, or for cpu/memory moves `type` to the trigger-level `metricType`.',
    sources: ['kedacore/keda#4240 and #4899 (metricName)', 'kedacore/keda#2844 and keda-docs#1484 (cpu/memory type)', SCHEMA_SOURCE],
  },
  'trigger-deprecated-key': {
    summary: 'A metadata key is deprecated in the KEDA version your cluster runs and will be removed.',
    rationale: 'The key still works today but breaks or is ignored after an upgrade, which tends to surface as a scaling incident.',
    remedy: 'Switch to the replacement named in the message before upgrading KEDA.',
    sources: [SCHEMA_SOURCE, 'kedacore/keda#7436 (huawei-cloudeye minMetricValue)', 'keda-docs content/docs/2.18/scalers/rabbitmq-queue.md (queueLength)'],
  },
};

/** triggerCheckDocs documents the checks of the trigger module, one per code. */
export const triggerCheckDocs: CheckDoc[] = (Object.keys(docs) as Array<keyof typeof docs>).map((id) => ({ id, defaultSeverity: triggerSeverity[id], docs: docs[id] }));
