import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectsOf, workloadOf } from '../../server/src/engine/model';
import { parseFile } from '../../server/src/engine/parse';
import { WorkspaceIndex } from '../../server/src/engine/workspace';
import { estimateColdStart } from '../../server/src/engine/sim/coldstart';
import { gpuFromLabel, inferGpu, inferModel, instanceGpus, parametersFromName } from '../../server/src/engine/sim/infer';
import { findProfile, parseDuration, PROFILE_FIELDS, readProfile } from '../../server/src/engine/sim/profile';
import { GPU_PRICES } from '../../server/src/engine/sim/cost';

/** deployment builds a one-container Deployment; `extra` is YAML indented under the container. */
function deployment(args: string[], extra = '', podExtra = '', gpus = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
  labels:
    team: search
spec:
  template:
    spec:
${podExtra}      containers:
        - name: server
          image: vllm/vllm-openai:v0.10.1
          args: [${args.map((a) => JSON.stringify(a)).join(', ')}]
          resources:
            limits:
              nvidia.com/gpu: "${gpus}"
${extra}`;
}

function workload(text: string) {
  const obj = objectsOf(parseFile('file:///w/deploy.yaml', text))[0];
  return workloadOf(obj)!;
}

const nameCases: Array<[string, number | undefined]> = [
  ['meta-llama/Llama-3.1-8B-Instruct', 8],
  ['meta-llama/Llama-3.3-70B-Instruct-FP8', 70],
  ['Qwen/Qwen2.5-0.5B', 0.5],
  ['mistralai/Mixtral-8x7B-Instruct-v0.1', 56],
  ['google/gemma-2-27b-it', 27],
  ['facebook/opt-xl', undefined],
];
for (const [name, expected] of nameCases) test(`infer parameters from '${name}'`, () => assert.equal(parametersFromName(name), expected));

const instanceCases: Array<[string, ReturnType<typeof instanceGpus>]> = [
  ['p5.48xlarge', { type: 'H100', count: 8 }],
  ['p5e.48xlarge', { type: 'H200', count: 8 }],
  ['p4d.24xlarge', { type: 'A100-40GB', count: 8 }],
  ['g6.xlarge', { type: 'L4', count: 1 }],
  ['g5.12xlarge', { type: 'A10G', count: 4 }],
  ['a3-highgpu-8g', { type: 'H100', count: 8 }],
  ['a2-ultragpu-2g', { type: 'A100-80GB', count: 2 }],
  ['Standard_ND96isr_H100_v5', { type: 'H100', count: 8 }],
  ['m5.xlarge', undefined],
];
for (const [inst, expected] of instanceCases) test(`infer GPUs of instance type ${inst}`, () => assert.deepEqual(instanceGpus(inst), expected));

const labelCases: Array<[string, string | undefined]> = [
  ['NVIDIA-H100-80GB-HBM3', 'H100'],
  ['nvidia-tesla-a100', 'A100-40GB'],
  ['nvidia-a100-80gb', 'A100-80GB'],
  ['nvidia-l4', 'L4'],
  ['a10g', 'A10G'],
  ['nvidia-l40s', 'L40S'],
  ['amd-mi300x', undefined],
];
for (const [label, expected] of labelCases) test(`infer GPU type from label '${label}'`, () => assert.equal(gpuFromLabel(label), expected));

const modelCases: Array<{ name: string; text: string; expected: Partial<ReturnType<typeof inferModel>> }> = [
  { name: 'vllm serve with a positional model and TP', text: deployment(['vllm serve meta-llama/Llama-3.3-70B-Instruct --tensor-parallel-size 4 --quantization fp8']), expected: { name: 'meta-llama/Llama-3.3-70B-Instruct', parametersBillion: 70, tensorParallel: 4, bytesPerParameter: 1 } },
  { name: 'flags with = and a served name', text: deployment(['--model=Qwen/Qwen2.5-7B-Instruct-AWQ', '--served-model-name=qwen', '--max-num-seqs=64', '--enforce-eager']), expected: { name: 'Qwen/Qwen2.5-7B-Instruct-AWQ', servedName: 'qwen', parametersBillion: 7, bytesPerParameter: 0.5, maxNumSeqs: 64, enforceEager: true } },
  { name: 'model from env', text: deployment([], '          env:\n            - name: MODEL_ID\n              value: mistralai/Mistral-7B-v0.3\n            - name: VLLM_SKIP_P2P_CHECK\n              value: "1"\n'), expected: { name: 'mistralai/Mistral-7B-v0.3', parametersBillion: 7, skipP2pCheck: true } },
];
for (const c of modelCases) {
  test(`infer model: ${c.name}`, () => {
    const m = inferModel(workload(c.text));
    for (const [k, v] of Object.entries(c.expected)) assert.deepEqual(m[k as keyof typeof m], v, k);
    assert.ok(m.assumptions.every((a) => a.origin === 'manifest' && a.file === 'file:///w/deploy.yaml' && a.where));
  });
}

test('infer GPU from required node affinity', () => {
  const pod = `      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: karpenter.k8s.aws/instance-gpu-name
                    operator: In
                    values: [h100]
`;
  const g = inferGpu(workload(deployment(['--model=x'], '', pod)));
  assert.equal(g.type, 'H100');
  assert.match(g.assumptions[0].where ?? '', /nodeSelectorTerms\[0\]\.matchExpressions\[0\]\.values$/);
});

const coldCases: Array<{ name: string; args: string[]; gpus: number; check: (e: ReturnType<typeof estimateColdStart>) => void }> = [
  {
    name: '8B on one GPU: about a minute after the image',
    args: ['--model=meta-llama/Llama-3.1-8B-Instruct'],
    gpus: 1,
    check: (e) => assert.ok(e.parts.modelLoad + e.parts.engineStart >= 40 && e.parts.modelLoad + e.parts.engineStart <= 120, JSON.stringify(e.parts)),
  },
  {
    name: '70B at TP 4: minutes, with the P2P check',
    args: ['--model=meta-llama/Llama-3.3-70B-Instruct', '--tensor-parallel-size=4'],
    gpus: 4,
    check: (e) => {
      assert.ok(e.parts.modelLoad + e.parts.engineStart >= 180 && e.parts.modelLoad + e.parts.engineStart <= 420, JSON.stringify(e.parts));
      assert.ok(e.assumptions.some((a) => a.name === 'coldStart.engineStart' && /P2P/.test(a.note ?? '')));
    },
  },
  {
    name: '--enforce-eager skips compilation',
    args: ['--model=meta-llama/Llama-3.1-8B-Instruct', '--enforce-eager'],
    gpus: 1,
    check: (e) => assert.equal(e.parts.engineStart, 10),
  },
];
for (const c of coldCases) {
  test(`cold start: ${c.name}`, () => {
    const e = estimateColdStart(workload(deployment(c.args, '', '', c.gpus)));
    assert.equal(e.totalSeconds, e.parts.node + e.parts.imagePull + e.parts.modelLoad + e.parts.engineStart);
    c.check(e);
  });
}

const PROFILE = `apiVersion: scalelens.dev/v1alpha1
kind: ServingProfile
metadata:
  name: p
spec:
  targetRef:
    name: llm
  coldStart:
    imagePull: 45s
    modelLoad: 2m
    imageCachedPerNode: maybe
  slo:
    ttft: 1500ms
  traffic:
    spikes:
      - at: 1h
        duration: 10m
        multiplier: 4
`;

test('cold start: a profile overrides parts and says where', () => {
  const ws = new WorkspaceIndex();
  const [target] = ws.update(parseFile('file:///w/deploy.yaml', deployment(['--model=meta-llama/Llama-3.1-8B-Instruct'])));
  ws.update(parseFile('file:///w/profile.yaml', PROFILE));
  const e = estimateColdStart(ws.workload(target)!, findProfile(target, ws)?.profile);
  assert.equal(e.parts.imagePull, 45);
  assert.equal(e.parts.modelLoad, 120);
  const pull = e.assumptions.find((a) => a.name === 'coldStart.imagePull')!;
  assert.deepEqual([pull.origin, pull.file, pull.where], ['profile', 'file:///w/profile.yaml', 'spec.coldStart.imagePull']);
});

test('profile: fields are read with their paths, bad values become problems', () => {
  const obj = objectsOf(parseFile('file:///w/profile.yaml', PROFILE))[0];
  const p = readProfile(obj);
  assert.equal(p.values.get('slo.ttft')?.value, 1.5);
  assert.deepEqual(p.spikes.map((s) => [s.atSeconds, s.durationSeconds, s.multiplier]), [[3600, 600, 4]]);
  assert.deepEqual(p.problems, [{ where: 'spec.coldStart.imageCachedPerNode', message: "expected true or false, found 'maybe'" }]);
});

const boundCases: Array<{ field: string; yaml: string; message: RegExp }> = [
  { field: 'requests.meanOutputTokens', yaml: '  requests:\n    meanOutputTokens: 0', message: /at least 1/ },
  { field: 'capacity.tokensPerSecond', yaml: '  capacity:\n    tokensPerSecond: -5', message: /above 0/ },
  { field: 'slo.percentile', yaml: '  slo:\n    percentile: 100', message: /at most/ },
  { field: 'traffic.duration', yaml: '  traffic:\n    duration: 0s', message: /above 0/ },
];
for (const c of boundCases) {
  test(`profile: an out-of-range ${c.field} is a problem and is not used`, () => {
    const p = readProfile(objectsOf(parseFile('file:///w/p.yaml', `apiVersion: scalelens.dev/v1alpha1\nkind: ServingProfile\nmetadata:\n  name: p\nspec:\n${c.yaml}\n`))[0]);
    assert.equal(p.values.has(c.field), false);
    assert.equal(p.problems.length, 1);
    assert.equal(p.problems[0].where, `spec.${c.field}`);
    assert.match(p.problems[0].message, c.message);
  });
}

const durationCases: Array<[string | number, number | undefined]> = [[90, 90], ['90', 90], ['90s', 90], ['5m', 300], ['1h30m', 5400], ['1d', 86400], ['250ms', 0.25], ['5 minutes', undefined], ['', undefined]];
for (const [v, expected] of durationCases) test(`profile duration '${v}'`, () => assert.equal(parseDuration(v), expected));

/** profile writes a ServingProfile named `name` with the given `spec` body (YAML indented by two). */
const profile = (name: string, spec: string) => `apiVersion: scalelens.dev/v1alpha1\nkind: ServingProfile\nmetadata:\n  name: ${name}\nspec:\n${spec}\n`;

const matchCases: Array<{ name: string; profiles: string[]; expected: string | undefined; by?: string }> = [
  { name: 'by targetRef', profiles: [profile('a', '  targetRef:\n    name: other'), profile('b', '  targetRef:\n    name: llm')], expected: 'b', by: 'targetRef' },
  { name: 'by selector', profiles: [profile('a', '  selector:\n    matchLabels:\n      team: search')], expected: 'a', by: 'selector' },
  { name: 'a selector that does not match', profiles: [profile('a', '  selector:\n    matchLabels:\n      team: ads')], expected: undefined },
  { name: 'the only profile without a target', profiles: [profile('a', '  slo:\n    ttft: 1s')], expected: 'a', by: 'only' },
  { name: 'two profiles without a target: none is picked', profiles: [profile('a', '  slo:\n    ttft: 1s'), profile('b', '  slo:\n    ttft: 2s')], expected: undefined },
];
for (const c of matchCases) {
  test(`profile match: ${c.name}`, () => {
    const ws = new WorkspaceIndex();
    const [target] = ws.update(parseFile('file:///w/deploy.yaml', deployment(['--model=x'])));
    c.profiles.forEach((p, i) => ws.update(parseFile(`file:///w/p${i}.yaml`, p)));
    const m = findProfile(target, ws);
    assert.equal(m?.profile.name, c.expected);
    if (c.by) assert.equal(m?.by, c.by);
  });
}

test('profile schema: the JSON schema and the reader list the same fields', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../../schemas/servingprofile.schema.json'), 'utf8'));
  const fields: string[] = [];
  const walk = (node: { properties?: Record<string, unknown>; type?: string }, prefix: string) => {
    for (const [k, v] of Object.entries(node.properties ?? {})) {
      const child = v as { properties?: Record<string, unknown>; type?: string };
      if (child.type === 'object' && child.properties) walk(child, `${prefix}${k}.`);
      else if (child.type !== 'array' && child.type !== 'object') fields.push(`${prefix}${k}`);
    }
  };
  walk(schema.properties.spec, '');
  assert.deepEqual(fields.sort(), Object.keys(PROFILE_FIELDS).sort());
});

test('cost: every default price names its source, a date and a quality', () => {
  for (const p of GPU_PRICES) {
    assert.ok(p.usdPerGpuHour > 0);
    assert.match(p.lastChecked, /^\d{4}-\d{2}$/);
    assert.ok(['A', 'B', 'C'].includes(p.quality));
    assert.ok(p.source.length > 20);
  }
});
