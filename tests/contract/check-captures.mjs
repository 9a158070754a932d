// The contract check: every response the integration tests captured (one JSON line each,
// written by tests/support/response_capture.cpp when PHONEBILL_CONTRACT_CAPTURE is set)
// is matched to its docs/openapi.yaml operation (path template + method) and validated
// against the response the document declares for its status: the status must be
// documented, the body must be the declared content (objects take no undocumented
// fields), and declared required headers (Retry-After) must be present and valid.
// Answers on paths the document does not describe (kos-sim, /metrics, /admin/faults, the
// web app), answers of test stand-ins (X-Test-Stand-In) and CORS preflights are skipped
// and counted.
//
// Usage: node check-captures.mjs <captures.jsonl> [openapi.yaml]
// Exit status 0 when every documented answer conforms (and at least one was checked).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const here = path.dirname(fileURLToPath(import.meta.url));
const [capturesFile, documentFile = path.join(here, '../../docs/openapi.yaml')] =
  process.argv.slice(2);
if (!capturesFile) {
  console.error('usage: node check-captures.mjs <captures.jsonl> [openapi.yaml]');
  process.exit(2);
}

// ---- The document ------------------------------------------------------------------------

// validate() checks the document against the OpenAPI 3.0 schema and resolves every $ref.
const document = await SwaggerParser.validate(documentFile);

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// A path template as a matcher: literal segments must be equal, {name} takes one segment.
// Templates with fewer parameters win, so /a/b beats /a/{id}.
const templates = Object.entries(document.paths)
  .map(([template, item]) => {
    const pattern = template
      .split('/')
      .map((segment) =>
        /^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('/');
    return {
      template,
      item,
      regex: new RegExp(`^${pattern}$`),
      parameters: (template.match(/\{/g) || []).length,
    };
  })
  .sort((a, b) => a.parameters - b.parameters);

function findTemplate(pathname) {
  return templates.find((entry) => entry.regex.test(pathname));
}

// An allOf of object schemas (LoginResult = Tokens + user) as the one object it describes,
// so that it can be closed as a whole. Parts are copied, never changed: they are shared.
function mergeAllOf(schema) {
  const parts = schema.allOf;
  if (!parts.every((part) => part && (part.type === 'object' || part.properties) && !part.allOf)) return;
  const properties = {};
  const required = new Set(schema.required || []);
  for (const part of parts) {
    Object.assign(properties, part.properties || {});
    for (const name of part.required || []) required.add(name);
  }
  delete schema.allOf;
  schema.type = 'object';
  schema.properties = { ...properties, ...(schema.properties || {}) };
  schema.required = [...required];
}

// The document's objects are open by default; a contract check wants them closed, so a
// field the code sends but the document does not name is drift. Every object schema with
// `properties` and no `additionalProperties` is closed here.
function closeObjects(schema, seen = new Set()) {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  if (Array.isArray(schema.allOf)) mergeAllOf(schema);
  if (schema.properties && !('additionalProperties' in schema) && !schema.allOf) {
    schema.additionalProperties = false;
  }
  for (const value of Object.values(schema.properties || {})) closeObjects(value, seen);
  if (schema.items) closeObjects(schema.items, seen);
  if (typeof schema.additionalProperties === 'object') closeObjects(schema.additionalProperties, seen);
  for (const part of [...(schema.oneOf || []), ...(schema.anyOf || [])]) closeObjects(part, seen);
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new WeakMap();
function validatorFor(schema) {
  if (!compiled.has(schema)) {
    closeObjects(schema);
    compiled.set(schema, ajv.compile(schema));
  }
  return compiled.get(schema);
}

// ---- One capture -------------------------------------------------------------------------

// The declared response for a status: the exact code, then its class (4XX), then default.
function declaredResponse(operation, status) {
  const responses = operation.responses || {};
  return responses[String(status)] || responses[`${String(status)[0]}XX`] || responses.default;
}

function headerProblems(declared, headers) {
  const problems = [];
  for (const [name, header] of Object.entries(declared.headers || {})) {
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`missing header ${name}`);
      continue;
    }
    if (header.schema) {
      const typed = ['integer', 'number'].includes(header.schema.type) && /^-?\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : value;
      const validate = validatorFor(header.schema);
      if (!validate(typed)) problems.push(`header ${name}: ${value} ${ajv.errorsText(validate.errors)}`);
    }
  }
  return problems;
}

// → {outcome: 'checked' | 'skipped', reason, problems[], key}
function check(capture) {
  // The path as sent (no URL normalisation: "/a/../b" is not "/b" to a server).
  const pathname = capture.target.split(/[?#]/)[0];
  const headers = capture.headers || {};
  if (headers['x-test-stand-in']) return { outcome: 'skipped', reason: 'test stand-in answers' };
  // CORS preflights are the gateway's, on any path, and described in docs/gateway.md.
  if (capture.method === 'OPTIONS') return { outcome: 'skipped', reason: 'CORS preflights (OPTIONS)' };
  const entry = findTemplate(pathname);
  if (!entry) {
    const prefix = pathname.split('/').slice(0, 4).join('/') || '/';
    return { outcome: 'skipped', reason: `undocumented path ${prefix}…` };
  }
  const method = capture.method.toLowerCase();
  const operation = entry.item[method] || (method === 'head' ? entry.item.get : undefined);
  const key = `${capture.method} ${entry.template} → ${capture.status}`;
  if (!operation) {
    // A method the path does not have: only a 404/405 error envelope is a right answer.
    const problems = [];
    if (![404, 405].includes(capture.status)) problems.push(`undocumented method answered ${capture.status}`);
    else problems.push(...bodyProblems({ content: errorContent() }, capture));
    return { outcome: 'checked', problems, key };
  }
  const declared = declaredResponse(operation, capture.status);
  if (!declared) {
    return {
      outcome: 'checked',
      key,
      problems: [`status ${capture.status} is not documented for ${operation.operationId || key}`],
    };
  }
  return {
    outcome: 'checked',
    key,
    problems: [...bodyProblems(declared, capture), ...headerProblems(declared, headers)],
  };
}

function errorContent() {
  return { 'application/json': { schema: document.components.schemas.Error } };
}

function bodyProblems(declared, capture) {
  const body = capture.body ?? '';
  const contentType = (capture.contentType || '').split(';')[0].trim().toLowerCase();
  const content = declared.content || {};
  const mediaTypes = Object.keys(content);
  if (mediaTypes.length === 0) {
    return body.length === 0 || capture.method === 'HEAD'
      ? []
      : [`the document declares no body, got ${contentType || 'a body'}`];
  }
  const media = content[contentType];
  if (!media) return [`content type ${contentType || '(none)'} is not one of ${mediaTypes.join(', ')}`];
  if (!media.schema || !contentType.includes('json')) return [];
  if (capture.bodyTruncated) return ['body over 1 MiB was truncated by the capture'];
  let value;
  try {
    value = JSON.parse(body);
  } catch {
    return ['body is not JSON'];
  }
  const validate = validatorFor(media.schema);
  if (validate(value)) return [];
  return validate.errors.slice(0, 5).map((error) =>
    `${error.instancePath || '(body)'} ${error.message}${
      error.params?.additionalProperty ? ` (${error.params.additionalProperty})` : ''}`);
}

function excerpt(text) {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

// ---- All captures ------------------------------------------------------------------------

let lines;
try {
  lines = readFileSync(capturesFile, 'utf8').split('\n').filter((line) => line.trim() !== '');
} catch (error) {
  console.error(`contract: cannot read ${capturesFile}: ${error.message}`);
  process.exit(1);
}

let checked = 0;
let unreadable = 0;
const skipped = new Map();
const failures = new Map(); // "problem key" → {count, example}
const seen = new Set();
for (const line of lines) {
  let capture;
  try {
    capture = JSON.parse(line);
  } catch {
    unreadable += 1;
    continue;
  }
  const result = check(capture);
  if (result.outcome === 'skipped') {
    skipped.set(result.reason, (skipped.get(result.reason) || 0) + 1);
    continue;
  }
  checked += 1;
  seen.add(result.key);
  for (const problem of result.problems) {
    const id = `${result.key}: ${problem}`;
    const failure = failures.get(id) || { count: 0, example: capture };
    failure.count += 1;
    failures.set(id, failure);
  }
}

// Documented operation/status pairs no test produced (information, not a failure).
const unseen = [];
for (const { template, item } of templates) {
  for (const method of METHODS) {
    if (!item[method]) continue;
    for (const status of Object.keys(item[method].responses || {})) {
      if (!seen.has(`${method.toUpperCase()} ${template} → ${status}`)) {
        unseen.push(`${method.toUpperCase()} ${template} ${status}`);
      }
    }
  }
}

const skippedTotal = [...skipped.values()].reduce((sum, count) => sum + count, 0);
console.log(`contract: ${lines.length} captured responses, ${checked} checked against ${path.relative(process.cwd(), documentFile)}, ${skippedTotal} skipped${unreadable ? `, ${unreadable} unreadable lines` : ''}`);
for (const [reason, count] of [...skipped.entries()].sort((a, b) => b[1] - a[1])) {
  console.log(`  skipped ${String(count).padStart(6)}  ${reason}`);
}
console.log(`  ${seen.size} operation/status pairs seen; ${unseen.length} documented ones no test produced`);
if (process.env.PHONEBILL_CONTRACT_VERBOSE === '1') {
  for (const pair of [...seen].sort()) console.log(`    seen: ${pair}`);
  for (const pair of unseen) console.log(`    not seen: ${pair}`);
}
for (const [id, { count, example }] of failures) {
  console.log(`FAIL (${count}x) ${id}`);
  console.log(`     e.g. ${example.method} ${example.target} ${example.status} ${excerpt(example.body ?? '')}`);
}
if (checked === 0) {
  console.log('contract: FAILED — no documented response was captured (is PHONEBILL_CONTRACT_CAPTURE set?)');
  process.exit(1);
}
if (failures.size > 0 || unreadable > 0) {
  console.log(`contract: FAILED — ${failures.size} distinct mismatches`);
  process.exit(1);
}
console.log('contract: OK');
