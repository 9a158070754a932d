// Starts the real phonebill stack for the browser tests on free loopback ports: kos-sim,
// auth, bill-inquiry, product-change (when built) and the gateway serving web/dist, each
// with its own fresh database in the given PostgreSQL and a logical Redis database. Each
// service's environment comes from deploy/services.conf (service_environment.mjs), with
// this stack's own settings as explicit overrides.
// Everything started here is stopped by stop() (SIGTERM, then SIGKILL after 10 s).
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { serviceEnvironment, serviceFacts } from './service_environment.mjs';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function psql(dsn, sql) {
  execFileSync('psql', [dsn, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function withDatabase(dsn, database) {
  const url = new URL(dsn);
  url.pathname = `/${database}`;
  return url.toString();
}

export class Stack {
  constructor({ root, buildDir, tmp, pgDsn, redisUrl, log = console.log }) {
    Object.assign(this, { root, buildDir, tmp, pgDsn, log });
    this.children = [];
    this.databases = [];
    this.suffix = randomBytes(4).toString('hex');
    const redis = new URL(redisUrl);
    // A logical database of our own (the test Redis has 1024), flushed first.
    this.redisDb = 900 + Math.floor(Math.random() * 100);
    redis.pathname = `/${this.redisDb}`;
    this.redisUrl = redis.toString();
    this.logsDir = join(tmp, 'logs');
    mkdirSync(this.logsDir, { recursive: true });
    this.secretsDir = join(tmp, 'secrets');
    mkdirSync(this.secretsDir, { recursive: true, mode: 0o700 });
  }

  binary(name) {
    return join(this.buildDir, 'services', name, name);
  }

  has(name) {
    return existsSync(this.binary(name));
  }

  createDatabase(service) {
    const name = `e2e_${service.replaceAll('-', '_')}_${this.suffix}`;
    psql(this.pgDsn, `CREATE DATABASE ${name}`);
    this.databases.push(name);
    return withDatabase(this.pgDsn, name);
  }

  async start() {
    try {
      execFileSync('redis-cli', ['-u', this.redisUrl, 'FLUSHDB'], { stdio: 'ignore' });
    } catch {
      this.log('warning: could not FLUSHDB the test Redis database (redis-cli missing?)');
    }
    const names = ['kos-sim', 'auth', 'bill-inquiry', 'product-change', 'gateway'];
    this.ports = {};
    for (const name of names) this.ports[name] = await freePort();
    this.adminPort = await freePort();
    const url = (name) => `http://127.0.0.1:${this.ports[name]}`;
    this.urls = Object.fromEntries(names.map((n) => [n, url(n)]));
    // The wiring: the placeholders of deploy/services.conf.
    const wiring = {
      REDIS_URL: this.redisUrl,
      SECRETS_DIR: this.secretsDir,
      CUSTOMERS: '100',
      ADMIN_PORT: String(this.adminPort),
      WEB_DIR: join(this.root, 'web', 'dist'),
      KOS_SIM_URL: url('kos-sim'),
      AUTH_URL: url('auth'),
      BILL_INQUIRY_URL: url('bill-inquiry'),
      PRODUCT_CHANGE_URL: url('product-change'),
    };
    // Settings of this stack, on top of the description, for every service.
    const shared = {
      PHONEBILL_DATABASE_POOL_SIZE: '4',
      // Short KOS breaker so the outage test recovers quickly.
      PHONEBILL_KOS_BREAKER_OPEN_MS: '2000',
    };
    const processEnvironment = {
      PATH: process.env.PATH,
      TZ: process.env.TZ ?? 'UTC',
      ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? '',
      UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? '',
    };
    const service = (name, overrides = {}) => ({
      ...processEnvironment,
      ...serviceEnvironment(name, {
        ...wiring,
        PORT: String(this.ports[name]),
        INSTANCE: name,
        ...(serviceFacts(name).database !== '-' ? { DATABASE_URL: this.createDatabase(name) } : {}),
      }, { ...shared, ...overrides }),
    });

    await this.spawn('kos-sim', service('kos-sim', { KOS_SIM_LATENCY_MS: '0', KOS_SIM_JITTER_MS: '0' }), 180);
    // The shortest access-token lifetime auth allows: the app refreshes 5 s after login.
    await this.spawn('auth', service('auth', { PHONEBILL_ACCESS_TOKEN_TTL_SECONDS: '60' }), 60);
    const waits = [this.spawn('bill-inquiry', service('bill-inquiry', {
      // Cached bills go stale after 1.5 s so the outage test can show STALE_CACHE.
      PHONEBILL_BILL_CACHE_CLOSED_MONTH_MS: '1500',
      PHONEBILL_BILL_CACHE_CURRENT_MONTH_MS: '1500',
    }), 60)];
    if (this.has('product-change')) {
      waits.push(this.spawn('product-change', service('product-change', {
        // A change KOS does not answer turns PENDING after 1.5 s, and the reconciler settles
        // it within 1.5 s of KOS answering again (the history test watches one settle).
        PHONEBILL_KOS_CHANGE_TIMEOUT_MS: '1500',
        PHONEBILL_PRODUCT_RECONCILE_INTERVAL_MS: '1500',
      }), 60));
    }
    await Promise.all(waits);
    await this.spawn('gateway', service('gateway', {
      // Many logins from one address in a few seconds: loosen the login limit only.
      PHONEBILL_GATEWAY_RATE_LOGIN_PER_SECOND: '50',
      PHONEBILL_GATEWAY_RATE_LOGIN_BURST: '100',
      PHONEBILL_GATEWAY_HEALTH_INTERVAL_MS: '500',
    }), 60);
    this.gateway = url('gateway');
  }

  async spawn(name, env, readySeconds) {
    const bin = this.binary(name);
    if (!existsSync(bin)) throw new Error(`${name}: ${bin} not built`);
    const logFile = join(this.logsDir, `${name}.log`);
    const out = openSync(logFile, 'a');
    const child = spawn(bin, [], { cwd: this.root, env, stdio: ['ignore', out, out] });
    const entry = { name, child, logFile, exited: null };
    child.on('exit', (code, signal) => { entry.exited = { code, signal }; });
    this.children.push(entry);
    const deadline = Date.now() + readySeconds * 1000;
    const url = `http://127.0.0.1:${env.PHONEBILL_HTTP_PORT}/readyz`;
    while (Date.now() < deadline) {
      if (entry.exited) break;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (response.ok) {
          this.log(`  ${name}: ready on port ${env.PHONEBILL_HTTP_PORT}`);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`${name} ${entry.exited ? `exited (${JSON.stringify(entry.exited)})` : 'not ready'}; last log lines:\n${tail}`);
  }

  /** kos-sim fault injection (loopback admin API). */
  async faults(body) {
    const url = `${this.urls['kos-sim']}/admin/faults`;
    const response = body === null
      ? await fetch(url, { method: 'DELETE' })
      : await fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`kos-sim faults: HTTP ${response.status}`);
  }

  /** Stops every child (SIGTERM, SIGKILL after 10 s); returns those that did not exit 0. */
  async stop() {
    const bad = [];
    const alive = this.children.filter((c) => !c.exited);
    for (const c of alive) c.child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && this.children.some((c) => !c.exited)) await new Promise((r) => setTimeout(r, 100));
    for (const c of this.children) {
      if (!c.exited) { c.child.kill('SIGKILL'); bad.push(`${c.name}: killed after 10 s`); }
      else if (c.exited.code !== 0) bad.push(`${c.name}: exit ${c.exited.code ?? c.exited.signal} (log: ${c.logFile})`);
    }
    for (const db of this.databases) {
      try { psql(this.pgDsn, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); } catch { /* cluster gone */ }
    }
    return bad;
  }

  killNow() {
    for (const c of this.children) if (!c.exited) { try { c.child.kill('SIGKILL'); } catch { /* gone */ } }
  }
}
