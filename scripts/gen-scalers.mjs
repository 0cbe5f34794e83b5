// Generates server/src/engine/keda/scalers.generated.json, the KEDA scaler catalogue the engine imports, from
// KEDA's generated scaler schema plus the project's own docs and corrections in scripts/scaler-docs.yaml.
// Usage: node scripts/gen-scalers.mjs [--check] [path/to/scalers-schema.json]
//   --check  exit 1 (writing nothing) when the committed catalogue differs from what the inputs generate.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const schemaPath = args.find((a) => !a.startsWith('--')) ?? '/work/shared/data/keda/scalers-schema.json';
const docsPath = join(root, 'scripts/scaler-docs.yaml');
const outPath = join(root, 'server/src/engine/keda/scalers.generated.json');

/** The upstream snapshot the schema file was taken from (kedacore/keda schema/generated/scalers-schema.json). */
const SOURCE = {
  repo: 'kedacore/keda',
  path: 'schema/generated/scalers-schema.json',
  commit: '8b4f083ca8c8c2baf8477e322bd4d16ac4dfa09a',
  date: '2026-08-20',
};

const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const docs = parse(readFileSync(docsPath, 'utf8'), { merge: true });
const problems = [];

// Parameters that hold booleans although no scaler gives them a default.
const BOOLEAN_NAMES = new Set(['useRegex', 'excludeUnacknowledged', 'includeDelayed', 'onlyFiles', 'enableTLS', 'unsafeSsl', 'unsafeSSL']);
// Numeric parameters whose names do not follow the patterns below.
const NUMBER_NAMES = new Set([
  'value', 'age', 'timeWindowOffset', 'lastAvailablePointOffset', 'metricUnavailableValue', 'valueIfNull', 'jobsToFetch',
  'pageSize', 'nodeMaxSessions', 'queuedMessagesFactor', 'maxBucketItemsToScan', 'metricCollectionTime', 'metricStatPeriod',
  'metricEndTimeOffset', 'metricPeriod', 'watchProgressNotifyInterval', 'queryTimeoutSeconds', 'queryPollingTries',
  'alignmentPeriodSeconds', 'intervalS', 'maxRetries', 'minConnectTimeout', 'connectionLimit', 'maxIdleConns', 'maxOpenConns',
  'groupVersion', 'desiredReplicas', 'databaseIndex', 'threshold',
]);
const NUMBER_PATTERN = /(Threshold|ThresholdValue|QueueSize|QueueLength|Count|Value|Depth|Target|Length|Factor)$/;
// Names that match NUMBER_PATTERN but hold text.
const TEXT_NAMES = new Set(['dimensionValue', 'partitionFieldValue', 'byFieldValue', 'expressionAttributeValues', 'workflowTaskQueueForCount']);

/** kindOf infers how KEDA reads a parameter: the schema types every parameter as a string. */
function kindOf(p, globalBooleans) {
  if (p.allowedValue) return 'enum';
  if (p.default === 'true' || p.default === 'false' || BOOLEAN_NAMES.has(p.name) || globalBooleans.has(p.name)) return 'boolean';
  if (TEXT_NAMES.has(p.name)) return 'string';
  if (NUMBER_NAMES.has(p.name) || NUMBER_PATTERN.test(p.name) || /^activation/.test(p.name) || /^-?\d+(\.\d+)?$/.test(p.default ?? 'x')) {
    return p.default !== undefined && !/^-?\d+(\.\d+)?$/.test(p.default) ? 'string' : 'number';
  }
  return 'string';
}

const ACRONYMS = { sasl: 'SASL', api: 'API', url: 'URL', uri: 'URI', id: 'ID', db: 'database', aws: 'AWS', cors: 'CORS', oauth: 'OAuth', ca: 'CA', tls: 'TLS', ip: 'IP', msg: 'message', conn: 'connection', nrql: 'NRQL', http: 'HTTP', https: 'HTTPS', sql: 'SQL' };

/** words splits a camelCase name into words, keeping acronyms together (`queueURL` → `queue URL`). */
function words(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ')
    .map((w) => ACRONYMS[w.toLowerCase()] ?? (/^[A-Z][a-z]/.test(w) ? w.toLowerCase() : w))
    .join(' ');
}

const COMMON = {
  unsafeSsl: 'Skip verification of the server\'s TLS certificate.',
  unsafeSSL: 'Skip verification of the server\'s TLS certificate.',
  tls: 'Whether to connect over TLS.',
  enableTLS: 'Whether to connect over TLS.',
  ca: 'PEM certificate authority used to verify the server.',
  cert: 'PEM client certificate for TLS client authentication.',
  Cert: 'PEM client certificate for TLS client authentication.',
  key: 'PEM private key of the client certificate.',
  keyPassword: 'Password of the encrypted client key.',
  username: 'User name to authenticate with.',
  password: 'Password to authenticate with; keep it in a TriggerAuthentication or an environment variable.',
  timeout: 'Timeout for this trigger\'s calls, overriding KEDA\'s global default.',
  awsRegion: 'AWS region of the resource.',
  awsEndpoint: 'Custom AWS endpoint, e.g. for LocalStack.',
  identityOwner: 'Whose AWS identity is used, `pod` (the workload\'s) or `operator` (KEDA\'s).',
  connection: 'Connection string; keep it in a TriggerAuthentication or an environment variable.',
  connectionString: 'Connection string; keep it in a TriggerAuthentication or an environment variable.',
  credentials: 'Service-account key JSON; read it from an environment variable or a TriggerAuthentication.',
  query: 'Query whose numeric result drives scaling.',
  host: 'Host name of the server.',
  port: 'Port of the server.',
};

/** genericDescription derives a neutral description from a parameter's name and kind. */
function genericDescription(name, kind, scalerType) {
  if (COMMON[name]) return COMMON[name];
  const m = /^activation(.+)$/.exec(name);
  if (m) return `Activation value for ${words(m[1][0].toLowerCase() + m[1].slice(1))}: the trigger is active only while the metric is strictly greater than this. It only decides scaling between 0 and 1 replica.`;
  // KEDA's convention: `target...` and `...Threshold` parameters are the per-replica target of the metric.
  const target = /^target([A-Z].*)$/.exec(name);
  if (target) return `Target ${words(target[1][0].toLowerCase() + target[1].slice(1))} per replica.`;
  if (/Threshold$/.test(name)) return `Target ${words(name)} per replica.`;
  const text = words(name);
  const sentence = `${text[0].toUpperCase()}${text.slice(1)} setting of the ${scalerType} scaler`;
  if (kind === 'boolean') return `${sentence} (\`true\` or \`false\`).`;
  if (kind === 'number' || kind === 'integer') return `${sentence} (a number).`;
  if (kind === 'enum') return `${sentence}; one of the allowed values.`;
  return `${sentence}.`;
}

/** versionIn reads `v2.18` / `2.20` out of an upstream deprecation text. */
function versionIn(text) {
  const m = /removed in v?(\d+\.\d+)/i.exec(text ?? '');
  return m ? m[1] : undefined;
}

/** replacementMessage states, in the project's words, what replaces a deprecated key (names taken from upstream). */
function replacementMessage(name, text) {
  const after = /\b[Uu]se (.*)$/.exec(text ?? '');
  if (!after) return 'Remove it.';
  const names = [...after[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
  if (names.length === 1 && names[0] === name) return `Read it from \`${name}FromEnv\` or a TriggerAuthentication instead of metadata.`;
  if (!names.length) return 'Remove it.';
  return `Use ${names.map((n) => `\`${n}\``).join(' and ')} instead.`;
}

const fromOf = (p) => [
  ...(p.metadataVariableReadable ? ['metadata'] : []),
  ...(p.envVariableReadable ? ['env'] : []),
  ...(p.triggerAuthenticationVariableReadable ? ['auth'] : []),
];

// A name is boolean everywhere when every scaler that gives it a default gives a boolean one.
const defaultsByName = new Map();
for (const s of schema.scalers) for (const p of s.parameters) if (p.default !== undefined) {
  if (!defaultsByName.has(p.name)) defaultsByName.set(p.name, new Set());
  defaultsByName.get(p.name).add(p.default);
}
const globalBooleans = new Set([...defaultsByName].filter(([, d]) => [...d].every((v) => v === 'true' || v === 'false')).map(([n]) => n));

const scalers = [];
for (const s of schema.scalers) {
  const doc = docs.scalers?.[s.type] ?? {};
  if (!docs.scalers?.[s.type]) problems.push(`scaler-docs.yaml has no entry for ${s.type}`);
  const byName = new Map();
  let scalerDeprecation;
  for (const p of s.parameters) {
    if (/This scaler is/i.test(p.deprecatedAnnounce ?? '')) {
      // Upstream attaches a whole-scaler announcement to one of its fields.
      const url = /(https?:\/\/\S+?)'?$/.exec(p.deprecatedAnnounce)?.[1];
      scalerDeprecation = { removedIn: versionIn(p.deprecatedAnnounce.replace('will be', '')), url };
    }
    const own = byName.get(p.name);
    if (own) {
      // The same key declared twice (e.g. influxdb authToken): merge where KEDA reads it from.
      own.from = [...new Set([...own.from, ...fromOf(p)])];
      if (p.deprecated) own.deprecated = { removedIn: versionIn(p.deprecated), message: replacementMessage(p.name, p.deprecated) };
      continue;
    }
    const kind = kindOf(p, globalBooleans);
    const param = { name: p.name, kind, required: !p.optional && p.default === undefined && !p.deprecated };
    if (p.default !== undefined) param.default = p.default;
    if (p.allowedValue) param.allowed = p.allowedValue;
    param.from = fromOf(p);
    if (p.separator) param.separator = p.separator;
    if (p.deprecated) param.deprecated = { removedIn: versionIn(p.deprecated), message: replacementMessage(p.name, p.deprecated) };
    else if (p.deprecatedAnnounce && !/This scaler is/i.test(p.deprecatedAnnounce)) {
      param.deprecated = { removedIn: versionIn(p.deprecatedAnnounce.replace('will be', '')), message: replacementMessage(p.name, p.deprecatedAnnounce) };
    }
    byName.set(p.name, param);
  }
  for (const fam of doc.families ?? []) {
    const family = docs.families?.[fam];
    if (!family) { problems.push(`${s.type}: unknown family ${fam}`); continue; }
    for (const [name, f] of Object.entries(family)) {
      if (byName.has(name)) continue;
      byName.set(name, { name, kind: f.kind ?? 'string', required: false, ...(f.default ? { default: f.default } : {}), ...(f.allowed ? { allowed: f.allowed } : {}), from: f.from, description: f.description });
    }
  }
  // A sibling scaler (apache-kafka of kafka, the redis variants of redis) shares the wording of same-named parameters.
  const borrowed = doc.sameAs ? docs.scalers?.[doc.sameAs]?.params ?? {} : {};
  for (const [name, d] of Object.entries(borrowed)) {
    const param = byName.get(name);
    if (param && !doc.params?.[name]) Object.assign(param, { description: d.description, ...(d.note ? { note: d.note } : {}) });
  }
  for (const [name, d] of Object.entries(doc.params ?? {})) {
    const param = byName.get(name);
    if (!param) { problems.push(`${s.type}: scaler-docs.yaml documents ${name}, which KEDA's schema does not list`); continue; }
    if (d.kind) param.kind = d.kind;
    if (d.allowed) param.allowed = d.allowed;
    if (d.description) param.description = d.description;
    if (d.note) param.note = d.note;
    if (d.deprecated) param.deprecated = { ...param.deprecated, ...d.deprecated };
    if (d.since && param.deprecated) param.deprecated.since = d.since;
  }
  if (doc.required) {
    for (const name of doc.required) if (!byName.has(name)) problems.push(`${s.type}: required ${name} is not a parameter`);
    for (const p of byName.values()) p.required = doc.required.includes(p.name);
  }
  for (const group of doc.oneOf ?? []) {
    for (const name of group) if (!byName.has(name)) problems.push(`${s.type}: oneOf member ${name} is not a parameter`);
  }
  const params = [...byName.values()].map((p) => {
    const out = { name: p.name, kind: p.kind };
    if (p.required) out.required = true;
    for (const k of ['default', 'allowed', 'separator']) if (p[k] !== undefined) out[k] = p[k];
    out.from = p.from;
    if (p.deprecated) out.deprecated = Object.fromEntries(Object.entries(p.deprecated).filter(([, v]) => v !== undefined));
    out.description = p.description ?? genericDescription(p.name, p.kind, s.type);
    if (p.note) out.note = p.note;
    return out;
  });
  const entry = { type: s.type, summary: doc.summary ?? `${words(s.type.replace(/-/g, ' '))} scaler.` };
  for (const k of ['note', 'rank', 'oneOf', 'openMetadata', 'metricTypes', 'scaledObjectOnly']) if (doc[k] !== undefined) entry[k] = doc[k];
  if (scalerDeprecation) entry.deprecated = Object.fromEntries(Object.entries(scalerDeprecation).filter(([, v]) => v !== undefined));
  entry.params = params;
  scalers.push(entry);
}
for (const t of Object.keys(docs.scalers ?? {})) if (!schema.scalers.some((s) => s.type === t)) problems.push(`scaler-docs.yaml names ${t}, which KEDA's schema does not list`);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}

const catalogue = {
  source: { ...SOURCE, kedaVersion: schema.kedaVersion, schemaVersion: schema.schemaVersion },
  removedEverywhere: docs.removedEverywhere,
  scalers,
};

// One scaler header and one parameter per line keeps diffs of regenerated output readable.
const lines = ['{', `"source": ${JSON.stringify(catalogue.source)},`, `"removedEverywhere": ${JSON.stringify(catalogue.removedEverywhere)},`, '"scalers": ['];
scalers.forEach((s, i) => {
  const { params, ...head } = s;
  const headJson = JSON.stringify(head);
  lines.push(`${headJson.slice(0, -1)},"params": [`);
  params.forEach((p, j) => lines.push(` ${JSON.stringify(p)}${j < params.length - 1 ? ',' : ''}`));
  lines.push(`]}${i < scalers.length - 1 ? ',' : ''}`);
});
lines.push(']', '}');
const output = `${lines.join('\n')}\n`;
if (check) {
  const same = readFileSync(outPath, 'utf8') === output;
  console.log(same ? `${outPath} is up to date` : `${outPath} is stale: run npm run gen:scalers`);
  process.exit(same ? 0 : 1);
}
writeFileSync(outPath, output);
console.log(`wrote ${outPath}: ${scalers.length} scalers, ${scalers.reduce((n, s) => n + s.params.length, 0)} parameters`);
