import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  catalogueSource,
  deprecationState,
  paramOf,
  removedEverywhere,
  ScalerParam,
  scalerByType,
  scalers,
  versionAtLeast,
} from '../../server/src/engine/keda/catalogue';

const ROOT = join(__dirname, '../../..');
const SCHEMA = '/work/shared/data/keda/scalers-schema.json';

test('catalogue: 78 scalers from KEDA main at 8b4f083', () => {
  assert.equal(scalers.length, 78);
  assert.equal(new Set(scalers.map((s) => s.type)).size, 78);
  assert.equal(catalogueSource.commit.slice(0, 7), '8b4f083');
  assert.equal(catalogueSource.kedaVersion, 'main');
  assert.equal(catalogueSource.repo, 'kedacore/keda');
});

test('catalogue: every scaler and parameter is described, with no duplicate parameter', () => {
  for (const s of scalers) {
    assert.ok(s.summary.length > 10, s.type);
    assert.equal(new Set(s.params.map((p) => p.name)).size, s.params.length, s.type);
    for (const p of s.params) {
      assert.ok(p.description.length > 5, `${s.type}.${p.name}`);
      assert.ok(p.from.length > 0, `${s.type}.${p.name} has no source`);
    }
  }
});

test('catalogue: GPU-serving scalers come first in completion order', () => {
  assert.deepEqual(scalers.slice(0, 5).map((s) => s.type), ['prometheus', 'metrics-api', 'cpu', 'memory', 'kubernetes-workload']);
});

const facts: Array<{ name: string; type: string; param: string; expect: Partial<ScalerParam> }> = [
  { name: 'prometheus ignoreNullValues defaults to true', type: 'prometheus', param: 'ignoreNullValues', expect: { kind: 'boolean', default: 'true', required: undefined } },
  { name: 'prometheus threshold is a required number', type: 'prometheus', param: 'threshold', expect: { kind: 'number', required: true } },
  { name: 'prometheus activationThreshold is optional', type: 'prometheus', param: 'activationThreshold', expect: { kind: 'number', required: undefined } },
  { name: 'prometheus authModes comes from the shared HTTP auth config', type: 'prometheus', param: 'authModes', expect: { kind: 'list', from: ['metadata', 'auth'] } },
  { name: 'prometheus bearerToken is read only from a TriggerAuthentication', type: 'prometheus', param: 'bearerToken', expect: { from: ['auth'] } },
  { name: 'cpu value is a quantity', type: 'cpu', param: 'value', expect: { kind: 'quantity', required: true } },
  { name: 'cpu type is deprecated in 2.7 and removed in 2.18', type: 'cpu', param: 'type', expect: { deprecated: { since: '2.7', removedIn: '2.18', message: 'Use `metricType` instead.' } } },
  { name: 'kafka offsetResetPolicy is an enum', type: 'kafka', param: 'offsetResetPolicy', expect: { kind: 'enum', allowed: ['latest', 'earliest'], default: 'latest' } },
  { name: 'rabbitmq host can come from env or auth', type: 'rabbitmq', param: 'host', expect: { from: ['metadata', 'env', 'auth'], required: true } },
  { name: 'rabbitmq mode lists the trigger modes', type: 'rabbitmq', param: 'mode', expect: { kind: 'enum', allowed: ['QueueLength', 'MessageRate', 'DeliverGetRate', 'PublishedToDeliveredRatio', 'ExpectedQueueConsumptionTime'] } },
  { name: 'redis sentinel fields are not required for a plain list', type: 'redis', param: 'sentinelMaster', expect: { required: undefined } },
  { name: 'aws-sqs-queue reads the secret key only from env or auth', type: 'aws-sqs-queue', param: 'awsSecretAccessKey', expect: { from: ['env', 'auth'] } },
  { name: 'cron desiredReplicas is an integer', type: 'cron', param: 'desiredReplicas', expect: { kind: 'integer', required: true } },
  { name: 'influxdb authToken in metadata is removed in 2.20', type: 'influxdb', param: 'authToken', expect: { from: ['metadata', 'env', 'auth'], deprecated: { removedIn: '2.20', message: 'Read it from `authTokenFromEnv` or a TriggerAuthentication instead of metadata.' } } },
];

for (const f of facts) {
  test(`catalogue: ${f.name}`, () => {
    const s = scalerByType(f.type);
    assert.ok(s, f.type);
    const p = paramOf(s, f.param);
    assert.ok(p, `${f.type}.${f.param}`);
    for (const [k, v] of Object.entries(f.expect)) assert.deepEqual(p[k as keyof ScalerParam], v, k);
  });
}

test('catalogue: metricName is removed for every scaler that does not define it', () => {
  assert.deepEqual({ since: removedEverywhere.metricName.since, removedIn: removedEverywhere.metricName.removedIn }, { since: '2.10', removedIn: '2.12' });
  assert.equal(paramOf(scalerByType('prometheus')!, 'metricName'), undefined);
  assert.ok(paramOf(scalerByType('aws-cloudwatch')!, 'metricName'));
});

test('catalogue: scaler-level deprecations', () => {
  assert.match(scalerByType('gcp-pubsub')!.deprecated?.url ?? '', /gcp-deprecations/);
  assert.equal(scalerByType('liiklus')!.deprecated?.removedIn, '2.24');
  assert.equal(scalerByType('prometheus')!.deprecated, undefined);
});

const versions: Array<[string, string, string, boolean]> = [
  ['same version', '2.12', '2.12', true],
  ['newer minor', '2.18', '2.12', true],
  ['older minor', '2.9', '2.10', false],
  ['v prefix and patch', 'v2.11.3', '2.12', false],
  ['newer major', '3.0', '2.12', true],
  ['unreadable counts as newest', 'latest', '2.12', true],
];
for (const [name, v, min, expected] of versions) {
  test(`catalogue: versionAtLeast ${name}`, () => assert.equal(versionAtLeast(v, min), expected));
}

const states: Array<[string, string, ReturnType<typeof deprecationState>]> = [['2.9', 'metricName', undefined], ['2.10', 'metricName', 'deprecated'], ['2.12', 'metricName', 'removed']];
for (const [v, key, expected] of states) {
  test(`catalogue: ${key} under KEDA ${v} is ${expected ?? 'fine'}`, () => assert.equal(deprecationState(removedEverywhere[key], v), expected));
}

test('catalogue: the committed catalogue matches what the generator produces', { skip: !existsSync(SCHEMA) && 'KEDA scaler schema not available' }, () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-scalers.mjs'), '--check', SCHEMA], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
