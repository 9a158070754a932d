// The JavaScript reader of deploy/services.conf, the one description of how each service
// is started (also read by ./phonebill, bench/ and the integration fixtures): the
// environment of a service with its ${PLACEHOLDERS} filled, for the browser tests' stack.
// The rules are the file's own (see its header); tests/support/service_environment_test
// checks that this reader, the bash one and the C++ one agree.
// Command line (for that check): node service_environment.mjs FILE SERVICE KEY=value...
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVICES_FILE = join(ROOT, 'deploy', 'services.conf');

/**
 * The [common] and `service` variable lines of the file, in order ([name, template]), and
 * the service's facts ({ port, database, scales }).
 */
function readSections(file, service) {
  const lines = [];
  const facts = {};
  let section = '';
  let found = false;
  readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      if (section === service) found = true;
      return;
    }
    const match = /^([A-Z_][A-Z0-9_]*|[a-z][a-z_]*)=(.*)$/.exec(line);
    if (!section || !match) throw new Error(`${file}:${index + 1}: expected [service], fact=value or NAME=value`);
    const isVariable = /^[A-Z_]/.test(match[1]);
    if (isVariable && (section === 'common' || section === service)) lines.push([match[1], match[2]]);
    if (!isVariable && section === service) facts[match[1]] = match[2];
  });
  if (!found || service === 'common') throw new Error(`${file} has no service [${service}]`);
  return { lines, facts };
}

/** The facts of `service` for starters: { port, database ('-': none), scales }. */
export function serviceFacts(service, file = SERVICES_FILE) {
  return readSections(file, service).facts;
}

/** ${KEY} and ${KEY:-word} filled from `substitutions`; `where` names the line in errors. */
function expand(where, text, substitutions) {
  let out = '';
  let position = 0;
  for (;;) {
    const open = text.indexOf('${', position);
    if (open < 0) break;
    out += text.slice(position, open);
    const close = text.indexOf('}', open);
    const inside = close < 0 ? '' : text.slice(open + 2, close);
    const fallbackAt = inside.indexOf(':-');
    const key = fallbackAt < 0 ? inside : inside.slice(0, fallbackAt);
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) throw new Error(`${where}: malformed placeholder`);
    const given = Object.hasOwn(substitutions, key) ? substitutions[key] : undefined;
    if (fallbackAt >= 0) out += given ? given : inside.slice(fallbackAt + 2);
    else if (given !== undefined) out += given;
    else throw new Error(`${where} needs \${${key}}, which its starter did not give`);
    position = close + 1;
  }
  return out + text.slice(position);
}

/**
 * The environment of `service` ([common], then its own section) with each ${KEY} filled
 * from `substitutions` (ROOT defaults to the source tree), empty values left out, then
 * `overrides` applied verbatim on top (the test's own settings). Throws when a ${KEY} has
 * no substitution or the service is not described.
 */
export function serviceEnvironment(service, substitutions, overrides = {}, file = SERVICES_FILE) {
  const filled = { ROOT, ...substitutions };
  const environment = {};
  for (const [name, template] of readSections(file, service).lines) {
    environment[name] = expand(`${file}: [${service}] ${name}`, template, filled);
  }
  for (const name of Object.keys(environment)) if (environment[name] === '') delete environment[name];
  return { ...environment, ...overrides };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, service, ...assignments] = process.argv.slice(2);
  const substitutions = Object.fromEntries(assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  const environment = serviceEnvironment(service, substitutions, {}, file);
  for (const [name, value] of Object.entries(environment)) console.log(`${name}=${value}`);
}
