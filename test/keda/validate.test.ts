import assert from 'node:assert/strict';
import { test } from 'node:test';
import { triggerChecks } from '../../server/src/engine/keda/triggers';
import { triggerSeverity } from '../../server/src/engine/keda/validate';
import { applyEdits } from '../../server/src/engine/services/fixes';
import { doValidation } from '../../server/src/engine/services/validation';
import { parseFile } from '../../server/src/engine/parse';
import { defaultSettings, EngineSettings } from '../../server/src/engine/types';
import { WorkspaceIndex } from '../../server/src/engine/workspace';
import { fixture, lint, sj, so } from './helpers';

interface Case {
  name: string;
  text: string;
  settings?: Partial<EngineSettings>;
  others?: Record<string, string>;
  /** Every trigger finding expected, in document order: code and the exact text it marks. */
  expect: Array<[string, string]>;
  /** The whole text after applying the preferred fix (else the first) of the first expected finding. */
  fixed?: string;
}

const PROM = `    - type: prometheus
      metadata:
        serverAddress: http://prometheus:9090
        query: sum(vllm:num_requests_waiting)
`;

const cases: Case[] = [
  // trigger-unknown-type
  {
    name: 'misspelt scaler type is reported with a rename fix',
    text: so(PROM.replace('prometheus\n', 'promethues\n') + '        threshold: "5"\n'),
    expect: [['trigger-unknown-type', 'promethues']],
    fixed: so(PROM + '        threshold: "5"\n'),
  },
  { name: 'placeholder type without a near scaler has no fix', text: so('    - type: example-trigger\n      metadata:\n        property: x\n'), expect: [['trigger-unknown-type', 'example-trigger']] },
  { name: 'third-party Kedify type is not judged', text: so('    - type: kedify-otel\n      metadata:\n        metricQuery: sum(vllm_num_requests_running)\n'), expect: [] },
  // trigger-unknown-key
  {
    name: 'case-only near miss of a key is renamed',
    text: so(PROM.replace('serverAddress', 'serveraddress') + '        threshold: "5"\n'),
    expect: [['trigger-missing-parameter', 'metadata'], ['trigger-unknown-key', 'serveraddress']],
  },
  {
    name: 'typo of activationThreshold is renamed',
    text: so(PROM + '        threshold: "5"\n        activationThreshhold: "1"\n'),
    expect: [['trigger-unknown-key', 'activationThreshhold']],
    fixed: so(PROM + '        threshold: "5"\n        activationThreshold: "1"\n'),
  },
  { name: 'FromEnv of an env-readable parameter is known', text: so('    - type: rabbitmq\n      metadata:\n        queueName: q\n        hostFromEnv: RABBIT_URL\n'), expect: [] },
  { name: 'FromEnv of a parameter KEDA does not read from env is reported', text: so(PROM + '        thresholdFromEnv: T\n'), expect: [['trigger-missing-parameter', 'metadata'], ['trigger-unknown-key', 'thresholdFromEnv']] },
  { name: 'external scaler passes any key through', text: so('    - type: external\n      metadata:\n        scalerAddress: keda-add-ons-http-external-scaler.keda:9090\n        interceptorTargetPendingRequests: "200"\n'), expect: [] },
  { name: 'shared HTTP auth keys of prometheus are known', text: so(PROM + '        threshold: "5"\n        authModes: "bearer,tls"\n'), expect: [] },
  // trigger-key-not-in-metadata
  { name: 'kafka password in metadata is ignored by KEDA', text: so('    - type: kafka\n      metadata:\n        bootstrapServers: kafka:9092\n        consumerGroup: g\n        password: hunter2\n'), expect: [['trigger-key-not-in-metadata', 'password']] },
  // trigger-missing-parameter
  { name: 'prometheus without threshold', text: so(PROM), expect: [['trigger-missing-parameter', 'metadata']] },
  { name: 'an empty string counts as absent', text: so(PROM + '        threshold: ""\n'), expect: [['trigger-missing-parameter', 'metadata']] },
  { name: 'required host given through hostFromEnv', text: so('    - type: rabbitmq\n      metadata:\n        queueName: q\n        hostFromEnv: RABBIT\n'), expect: [] },
  { name: 'required host may come from a TriggerAuthentication outside the workspace', text: so('    - type: rabbitmq\n      metadata:\n        queueName: q\n      authenticationRef:\n        name: somewhere\n'), expect: [] },
  { name: 'an authenticationRef does not supply a metadata-only parameter', text: so(PROM + '      authenticationRef:\n        name: somewhere\n'), expect: [['trigger-missing-parameter', 'metadata']] },
  {
    name: 'TriggerAuthentication in the workspace that lacks the parameter',
    text: fixture('rabbitmq-consumer.yaml'),
    others: { 'file:///auth.yaml': fixture('rabbitmq-auth.yaml') },
    expect: [['trigger-missing-parameter', 'metadata']],
  },
  {
    name: 'TriggerAuthentication in the workspace that provides the parameter',
    text: fixture('rabbitmq-consumer.yaml'),
    others: { 'file:///auth.yaml': fixture('rabbitmq-auth.yaml').replace('parameter: username', 'parameter: host') },
    expect: [],
  },
  {
    name: 'a TriggerAuthentication of another namespace is not the one referenced',
    text: fixture('rabbitmq-consumer.yaml'),
    // The one in namespace `other` lacks `host`; the referenced one is elsewhere, so nothing is known to be missing.
    others: { 'file:///auth.yaml': fixture('rabbitmq-auth.yaml').replace('namespace: jobs', 'namespace: other') },
    expect: [],
  },
  { name: 'redis needs an address or a host', text: so('    - type: redis\n      metadata:\n        listName: prompts\n'), expect: [['trigger-missing-parameter', 'metadata']] },
  { name: 'redis with an address', text: so('    - type: redis\n      metadata:\n        listName: prompts\n        address: redis:6379\n'), expect: [] },
  { name: 'trigger without metadata is anchored on its type', text: so('    - type: cron\n'), expect: [['trigger-missing-parameter', 'cron'], ['trigger-missing-parameter', 'cron'], ['trigger-missing-parameter', 'cron'], ['trigger-missing-parameter', 'cron']] },
  // trigger-invalid-value
  {
    name: 'enum value with the wrong case',
    text: so('    - type: kafka\n      metadata:\n        bootstrapServers: kafka:9092\n        consumerGroup: g\n        offsetResetPolicy: Latest\n'),
    expect: [['trigger-invalid-value', 'Latest']],
    fixed: so('    - type: kafka\n      metadata:\n        bootstrapServers: kafka:9092\n        consumerGroup: g\n        offsetResetPolicy: latest\n'),
  },
  {
    name: 'boolean spelt with a capital',
    text: so(PROM + '        threshold: "5"\n        ignoreNullValues: "False"\n'),
    expect: [['trigger-invalid-value', '"False"']],
    fixed: so(PROM + '        threshold: "5"\n        ignoreNullValues: "false"\n'),
  },
  { name: 'authModes list with an unknown element', text: so(PROM + '        threshold: "5"\n        authModes: "bearer,digest"\n'), expect: [['trigger-invalid-value', '"bearer,digest"']] },
  // trigger-not-a-number
  { name: 'threshold that is not a number', text: so(PROM + '        threshold: "lots"\n'), expect: [['trigger-not-a-number', '"lots"']] },
  { name: 'cron desiredReplicas must be whole', text: so('    - type: cron\n      metadata:\n        timezone: UTC\n        start: 0 8 * * *\n        end: 0 20 * * *\n        desiredReplicas: "2.5"\n'), expect: [['trigger-not-a-number', '"2.5"']] },
  { name: 'cpu value takes a quantity', text: so('    - type: cpu\n      metricType: AverageValue\n      metadata:\n        value: "500m"\n'), expect: [] },
  { name: 'cpu value that is no quantity', text: so('    - type: cpu\n      metricType: Utilization\n      metadata:\n        value: "most"\n'), expect: [['trigger-not-a-number', '"most"']] },
  // trigger-value-not-string
  {
    name: 'unquoted number is quoted by the fix',
    text: so(PROM + '        threshold: 5 # per replica\n'),
    expect: [['trigger-value-not-string', '5']],
    fixed: so(PROM + '        threshold: "5" # per replica\n'),
  },
  {
    name: 'unquoted boolean is quoted by the fix',
    text: so(PROM + '        threshold: "5"\n        ignoreNullValues: false\n'),
    expect: [['trigger-value-not-string', 'false']],
    fixed: so(PROM + '        threshold: "5"\n        ignoreNullValues: "false"\n'),
  },
  {
    name: 'the fix keeps the number exactly as written',
    text: so(PROM + '        threshold: 0.50\n'),
    expect: [['trigger-value-not-string', '0.50']],
    fixed: so(PROM + '        threshold: "0.50"\n'),
  },
  { name: 'YAML 1.1 boolean word that kubectl reads as a boolean', text: so('    - type: rabbitmq\n      metadata:\n        queueName: q\n        hostFromEnv: H\n        useRegex: yes\n'), expect: [['trigger-value-not-string', 'yes']] },
  { name: 'nested map as a metadata value', text: so(PROM + '        threshold: "5"\n        customHeaders:\n          X-Scope-OrgID: tenant\n'), expect: [['trigger-value-not-string', 'X-Scope-OrgID: tenant\n']] },
  // trigger-removed-key / trigger-deprecated-key
  {
    name: 'metricName is removed (KEDA 2.18) and its line deleted',
    text: so('    - type: prometheus\n      metadata:\n        serverAddress: http://prometheus:9090\n        metricName: vllm:num_requests_waiting # old\n        query: sum(vllm:num_requests_waiting)\n        threshold: "5"\n'),
    expect: [['trigger-removed-key', 'metricName']],
    fixed: so('    - type: prometheus\n      metadata:\n        serverAddress: http://prometheus:9090\n        query: sum(vllm:num_requests_waiting)\n        threshold: "5"\n'),
  },
  {
    name: 'metricName as the last key with a block scalar before it',
    text: so('    - type: prometheus\n      metadata:\n        serverAddress: http://prometheus:9090\n        query: |\n          sum(vllm:num_requests_waiting)\n        threshold: "5"\n        metricName: waiting'),
    expect: [['trigger-removed-key', 'metricName']],
    fixed: so('    - type: prometheus\n      metadata:\n        serverAddress: http://prometheus:9090\n        query: |\n          sum(vllm:num_requests_waiting)\n        threshold: "5"\n'),
  },
  { name: 'metricName is only deprecated in KEDA 2.11', settings: { kedaVersion: '2.11' }, text: so(PROM + '        threshold: "5"\n        metricName: waiting\n'), expect: [['trigger-deprecated-key', 'metricName']] },
  { name: 'metricName is fine before KEDA 2.10', settings: { kedaVersion: 'v2.9.3' }, text: so(PROM + '        threshold: "5"\n        metricName: waiting\n'), expect: [] },
  { name: 'metricName is a real parameter of aws-cloudwatch', text: so('    - type: aws-cloudwatch\n      metadata:\n        namespace: AWS/SQS\n        metricName: ApproximateNumberOfMessagesVisible\n        targetMetricValue: "5"\n        awsRegion: us-east-1\n'), expect: [] },
  {
    name: 'cpu metadata.type is removed in 2.18 and moved to metricType',
    text: so('    - type: cpu\n      metadata:\n        type: Utilization\n        value: "60"\n'),
    expect: [['trigger-removed-key', 'type']],
    fixed: so('    - type: cpu\n      metricType: Utilization\n      metadata:\n        value: "60"\n'),
  },
  {
    name: 'cpu metadata.type on a dash line is moved too',
    text: so('    - metadata:\n        type: AverageValue\n        value: "2"\n      type: cpu\n'),
    expect: [['trigger-removed-key', 'type']],
    fixed: so('    - metricType: AverageValue\n      metadata:\n        value: "2"\n      type: cpu\n'),
  },
  { name: 'cpu metadata.type is deprecated in 2.17', settings: { kedaVersion: '2.17' }, text: so('    - type: memory\n      metadata:\n        type: Utilization\n        value: "60"\n'), expect: [['trigger-deprecated-key', 'type']] },
  { name: 'cpu metadata.type is fine before 2.7', settings: { kedaVersion: '2.6' }, text: so('    - type: memory\n      metadata:\n        type: Utilization\n        value: "60"\n'), expect: [] },
  { name: 'rabbitmq queueLength is deprecated', text: so('    - type: rabbitmq\n      metadata:\n        queueName: q\n        hostFromEnv: H\n        queueLength: "10"\n'), expect: [['trigger-deprecated-key', 'queueLength']] },
  // trigger-deprecated-type
  { name: 'gcp-pubsub is deprecated upstream, and so is subscriptionSize', text: so('    - type: gcp-pubsub\n      metadata:\n        subscriptionName: jobs\n        subscriptionSize: "5"\n'), expect: [['trigger-deprecated-type', 'gcp-pubsub'], ['trigger-deprecated-key', 'subscriptionSize']] },
  // trigger-not-for-scaledjob
  { name: 'cpu trigger in a ScaledJob', text: sj('    - type: cpu\n      metricType: Utilization\n      metadata:\n        value: "60"\n'), expect: [['trigger-not-for-scaledjob', 'cpu']] },
  { name: 'prometheus trigger in a ScaledJob', text: sj(PROM + '        threshold: "5"\n'), expect: [] },
  // trigger-invalid-metric-type
  { name: 'Utilization on prometheus', text: so(PROM.replace('      metadata:', '      metricType: Utilization\n      metadata:') + '        threshold: "5"\n'), expect: [['trigger-invalid-metric-type', 'Utilization']] },
  { name: 'Value on cpu', text: so('    - type: cpu\n      metricType: Value\n      metadata:\n        value: "60"\n'), expect: [['trigger-invalid-metric-type', 'Value']] },
  {
    name: 'metricType with the wrong case',
    text: so(PROM.replace('      metadata:', '      metricType: value\n      metadata:') + '        threshold: "5"\n'),
    expect: [['trigger-invalid-metric-type', 'value']],
    fixed: so(PROM.replace('      metadata:', '      metricType: Value\n      metadata:') + '        threshold: "5"\n'),
  },
  // templates
  { name: 'envsubst placeholder values are not judged', text: so(PROM + '        threshold: ${THRESHOLD}\n        activationThreshold: "${ACT}"\n'), expect: [] },
  { name: 'Helm expressions as values and keys are not judged', text: so(PROM + '        threshold: {{ .Values.threshold }}\n        {{ .Values.extraKey }}: "1"\n'), expect: [] },
  // clean input and broken input
  { name: 'a correct vLLM policy has no trigger finding', text: fixture('vllm-queue.yaml'), expect: [] },
  { name: 'triggers that are not a list', text: so('    type: prometheus\n'), expect: [] },
  { name: 'type that is a map', text: so('    - type: {a: 1}\n      metadata: {}\n'), expect: [] },
  { name: 'metadata that is a string', text: so('    - type: prometheus\n      metadata: "serverAddress=x"\n'), expect: [['trigger-missing-parameter', 'metadata'], ['trigger-missing-parameter', 'metadata'], ['trigger-missing-parameter', 'metadata']] },
  { name: 'broken YAML does not throw', text: so('    - type: prometheus\n      metadata:\n        threshold: "5\n      - : :\n'), expect: [] },
];

for (const c of cases) {
  test(`validate: ${c.name}`, () => {
    const { file, findings } = lint(c.text, c.settings, c.others);
    assert.deepEqual(findings.map((f) => [f.code, file.text.slice(f.start, f.end)]), c.expect);
    for (const f of findings) assert.equal(f.severity, triggerSeverity[f.code as keyof typeof triggerSeverity], f.code);
    if (c.fixed === undefined) return;
    const target = findings[0];
    const fix = target.fixes?.find((x) => x.isPreferred) ?? target.fixes?.[0];
    assert.ok(fix, `no fix on ${target.code}`);
    const after = applyEdits(file.text, fix.edits);
    assert.equal(after, c.fixed);
    const again = lint(after, c.settings, c.others);
    assert.deepEqual(again.file.syntax, []);
    assert.ok(!again.findings.some((f) => f.code === target.code), `${target.code} still reported after "${fix.title}"`);
  });
}

test('validate: every code has documentation and a default severity, and every code is exercised above', () => {
  const ids = triggerChecks.map((c) => c.id).sort();
  assert.deepEqual(ids, Object.keys(triggerSeverity).sort());
  for (const c of triggerChecks) {
    assert.ok(c.docs.summary && c.docs.rationale && c.docs.remedy && c.docs.sources.length, c.id);
  }
  const tested = new Set(cases.flatMap((c) => c.expect.map(([code]) => code)));
  assert.deepEqual([...tested].sort(), ids);
});

test('validate: findings of a Helm template outside template expressions are kept by doValidation', () => {
  const text = `{{- if .Values.keda.enabled }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ .Release.Name }}
spec:
  scaleTargetRef:
    name: {{ .Release.Name }}-vllm
  triggers:
    - type: prometheus
      metadata:
        serverAddress: http://prometheus:9090
        metricName: vllm:num_requests_waiting
        query: vllm:num_requests_waiting{model="{{ .Values.model }}"}
        threshold: '5'
{{- end }}
`;
  const file = parseFile('file:///chart/templates/so.yaml', text);
  const findings = doValidation(file, new WorkspaceIndex(), defaultSettings).filter((f) => f.code.startsWith('trigger-'));
  assert.deepEqual(findings.map((f) => [f.code, text.slice(f.start, f.end)]), [['trigger-removed-key', 'metricName']]);
});

test('validate: the missing-parameter finding points at the TriggerAuthentication it consulted', () => {
  const { findings } = lint(fixture('rabbitmq-consumer.yaml'), {}, { 'file:///auth.yaml': fixture('rabbitmq-auth.yaml') });
  assert.equal(findings[0].related?.[0].uri, 'file:///auth.yaml');
  assert.match(findings[0].message, /TriggerAuthentication `rabbit-conn`, which does not provide it/);
});

test('validate: a large generated file is checked without error', () => {
  const many = Array.from({ length: 400 }, (_, i) => `    - type: prometheus\n      name: t${i}\n      metadata:\n        serverAddress: http://p:9090\n        query: up\n        threshold: ${i}\n`).join('');
  const { findings } = lint(so(many));
  assert.equal(findings.length, 400);
  assert.ok(findings.every((f) => f.code === 'trigger-value-not-string'));
});

test('validate: every fix of every case yields YAML that parses and has one finding of that code fewer', () => {
  let applied = 0;
  for (const c of cases) {
    const { file, findings } = lint(c.text, c.settings, c.others);
    for (const f of findings) {
      for (const fix of f.fixes ?? []) {
        const after = applyEdits(file.text, fix.edits);
        const again = lint(after, c.settings, c.others);
        assert.deepEqual(again.file.syntax, [], `${c.name}: "${fix.title}" broke the YAML`);
        const count = (l: typeof findings) => l.filter((x) => x.code === f.code).length;
        assert.equal(count(again.findings), count(findings) - 1, `${c.name}: "${fix.title}"`);
        applied++;
      }
    }
  }
  assert.ok(applied >= 12, `only ${applied} fixes exercised`);
});
