// Validates docs/asyncapi.yaml with the AsyncAPI parser (@asyncapi/parser,
// pinned in tests/contracts/asyncapi/package-lock.json), then checks that it
// cannot rot: every topic the deployment makes (k8s/base/kafka/topics.yaml,
// deploy/local/topics.txt) and docs/events.md lists is a channel, every
// channel is such a topic, and every oneof payload case of the events protos
// is a message of its topic with its ce_type.
// Usage: node asyncapi_check.mjs PARSER_DIR REPO_ROOT [DOCUMENT], PARSER_DIR
// holding the parser's node_modules ($LOV_TOOLS_DIR/asyncapi). Prints
// "ok: ..." or "FAILED: ..." per check, exits non-zero on any failure.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [parserDir, root] = process.argv.slice(2);
const documentPath = process.argv[4] ?? join(root, 'docs/asyncapi.yaml');
const { Parser, DiagnosticSeverity } = createRequire(join(resolve(parserDir), 'package.json'))(
  '@asyncapi/parser');
let passed = 0;
let failed = 0;
const pass = (what) => { passed++; console.log(`ok: ${what}`); };
const fail = (what) => { failed++; console.log(`FAILED: ${what}`); };
const check = (condition, what, why) => {
  if (condition) pass(what);
  else fail(`${what}: ${why}`);
  return condition;
};

const { document, diagnostics } = await new Parser().parse(readFileSync(documentPath, 'utf8'), {
  source: documentPath,
});
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning)) {
  console.log(`warning: ${d.code} at /${d.path.join('/')}: ${d.message}`);
}
if (!document || errors.length > 0) {
  for (const e of errors) fail(`${e.code} at /${e.path.join('/')}: ${e.message}`);
  console.log(`${passed} passed, ${failed + (errors.length ? 0 : 1)} failed`);
  process.exit(1);
}
pass(`${documentPath} is a valid AsyncAPI ${document.version()} document`);

// Channels by topic; the messages of each with their resolved headers.
const channels = new Map();
for (const channel of document.channels().all()) {
  const messages = new Map();
  for (const message of channel.messages().all()) {
    const headers = message.headers()?.json() ?? {};
    const ceType = headers.properties?.ce_type?.const;
    const payload = message.payload()?.json() ?? {};
    messages.set(message.name(), { ceType, payload, hasKey: !!message.bindings().get('kafka')?.value()?.key });
  }
  channels.set(channel.address(), messages);
}

// Topics: the KafkaTopics of the deployment, the local topics file, docs/events.md.
const topics = new Map();
const add = (topic, where) => topics.set(topic, [...(topics.get(topic) ?? []), where]);
for (const m of readFileSync(join(root, 'k8s/base/kafka/topics.yaml'), 'utf8')
  .matchAll(/^kind: KafkaTopic\n(?:.*\n)*?\s+name: (\S+)/gm)) {
  add(m[1], 'k8s/base/kafka/topics.yaml');
}
for (const line of readFileSync(join(root, 'deploy/local/topics.txt'), 'utf8').split('\n')) {
  const topic = line.trim().split(/\s+/)[0];
  if (topic && !topic.startsWith('#')) add(topic, 'deploy/local/topics.txt');
}
for (const m of readFileSync(join(root, 'docs/events.md'), 'utf8').matchAll(/^\| `(lov\.[a-z.]+\.v\d+)` \|/gm)) {
  add(m[1], 'docs/events.md');
}
check(topics.size >= 13, `${topics.size} topics found in the deployment and docs/events.md`,
  'expected at least the 13 of docs/events.md; did a file move?');
for (const [topic, where] of topics) {
  check(channels.has(topic), `topic ${topic} is a channel`, `listed in ${where.join(', ')} but not in the document`);
}
for (const topic of channels.keys()) {
  check(topics.has(topic), `channel ${topic} is a topic of the deployment`,
    'not in k8s/base/kafka/topics.yaml, deploy/local/topics.txt or docs/events.md');
}

// Every oneof payload case of every envelope in the events protos.
const envelopeTopics = {
  'lov.registry.v1.RegistryEvent': 'lov.registry.events.v1',
  'lov.choice.v1.ChoiceEvent': 'lov.choice.events.v1',
  'lov.choice.v1.ChoiceKeyEvent': 'lov.choice.keys.v1',
  'lov.visits.v1.VisitEvent': 'lov.visits.events.v1',
  'lov.settlement.v1.SettlementEvent': 'lov.settlement.events.v1',
  'lov.followup.v1.FollowupEvent': 'lov.followup.events.v1',
};
let cases = 0;
for (const domain of readdirSync(join(root, 'proto/lov'))) {
  let source;
  try {
    source = readFileSync(join(root, 'proto/lov', domain, 'v1/events.proto'), 'utf8');
  } catch {
    continue;
  }
  const pkg = source.match(/^package ([\w.]+);/m)[1];
  for (const m of source.matchAll(/^message (\w+) \{\n((?:.*\n)*?)\}/gm)) {
    const oneof = m[2].match(/oneof payload \{\n((?:.*\n)*?)\s*\}/);
    if (!oneof) continue;
    const envelope = `${pkg}.${m[1]}`;
    const topic = envelopeTopics[envelope];
    if (!check(!!topic, `envelope ${envelope} has a topic`, 'add it to envelopeTopics here and to the document')) continue;
    for (const f of oneof[1].matchAll(/^\s*(\w+)\s+(\w+)\s*=\s*(\d+)\s*;/gm)) {
      cases++;
      const [, type, field] = f;
      const ceType = `se.${pkg}.${type}`;
      const message = channels.get(topic)?.get(type);
      if (!message) {
        fail(`${ceType} (${envelope}.${field}) is a message of ${topic}: it is not`);
        continue;
      }
      check(message.ceType === ceType && message.payload['x-protobuf-message'] === envelope &&
        message.payload['x-protobuf-oneof-case'] === field && message.hasKey,
      `${ceType} is a message of ${topic} with its ce_type, body, oneof case and key`,
      `ce_type ${message.ceType}, x-protobuf-message ${message.payload['x-protobuf-message']}, ` +
        `x-protobuf-oneof-case ${message.payload['x-protobuf-oneof-case']}, key ${message.hasKey}`);
    }
  }
}
check(cases >= 40, `${cases} oneof payload cases found in proto/lov/*/v1/events.proto`,
  'expected more; did the protos move?');

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
