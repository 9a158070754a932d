// Lighthouse 12 (mobile preset: simulated slow 4G and 4x CPU) against the web app served by
// a real gateway: login, main and bill result, each scored for performance, accessibility,
// best practices and SEO; the median of --runs runs by performance (docs/benchmarks.md,
// "web"). Not a timed test: bench/lighthouse.sh starts the stack and calls this.
//   node bench/lighthouse.mjs [--url http://127.0.0.1:PORT] [--runs 3] [--json FILE] [--reports DIR]
// --reports writes each run's full Lighthouse report (JSON) there, to see why a score is what it is.
// Without --url it starts the stack itself (tests/e2e/stack.mjs; needs PHONEBILL_TEST_PG_DSN,
// PHONEBILL_TEST_REDIS_URL and PHONEBILL_BUILD_DIR as tests/e2e/run sets them).
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Stack } from '../tests/e2e/stack.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webRequire = createRequire(join(ROOT, 'web', 'package.json'));
const puppeteer = webRequire('puppeteer-core');
const { default: lighthouse } = await import(webRequire.resolve('lighthouse'));

const { values: options } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
    reports: { type: 'string' },
    user: { type: 'string', default: 'user01' },
    password: { type: 'string', default: 'Passw0rd!01' },
  },
});
const RUNS = Math.max(1, Number(options.runs) || 3);
const CHROMIUM = process.env.PHONEBILL_CHROMIUM ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const log = (...args) => console.error(...args);

let stack = null;
let base = options.url;
if (!base) {
  const env = process.env;
  if (!env.PHONEBILL_TEST_PG_DSN || !env.PHONEBILL_TEST_REDIS_URL) {
    log('lighthouse: give --url of a running gateway, or run bench/lighthouse.sh');
    process.exit(2);
  }
  const tmp = env.PHONEBILL_TEST_TMP ?? mkdtempSync(join(tmpdir(), 'phonebill-lighthouse-'));
  stack = new Stack({
    root: ROOT, buildDir: env.PHONEBILL_BUILD_DIR ?? join(ROOT, 'build', 'asan'), tmp,
    pgDsn: env.PHONEBILL_TEST_PG_DSN, redisUrl: env.PHONEBILL_TEST_REDIS_URL, log,
  });
  log(`lighthouse: starting the stack (logs: ${join(tmp, 'logs')})`);
  await stack.start();
  base = stack.gateway;
}
process.on('exit', () => stack?.killNow());

const browser = await puppeteer.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});

/** Logs in through the form so the tab holds a session (refresh token in sessionStorage). */
async function signIn(page) {
  await page.goto(`${base}/`, { waitUntil: 'networkidle0' });
  await page.type('#userId', options.user);
  await page.type('#password', options.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=user-name]');
}

/** One Lighthouse navigation of `path`; a signed-in tab keeps its storage, never its cache. */
async function audit(path, signedIn) {
  const page = await browser.newPage();
  try {
    if (signedIn) await signIn(page);
    const cdp = await page.createCDPSession();
    await cdp.send('Network.clearBrowserCache');
    const flags = { logLevel: 'error', output: 'json', onlyCategories: CATEGORIES, disableStorageReset: signedIn };
    const result = await lighthouse(`${base}${path}`, flags, undefined, page);
    const lhr = result.lhr;
    if (options.reports) {
      mkdirSync(options.reports, { recursive: true });
      writeFileSync(join(options.reports, `${path.replace(/\W+/g, '_')}-${Date.now()}.json`), result.report);
    }
    if (lhr.runtimeError) log(`  ${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score == null ? null : Math.round(lhr.categories[c].score * 100)]));
    const metric = (id) => lhr.audits[id]?.numericValue ?? null;
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
      .map((a) => a.id);
    const warnings = [...(lhr.runWarnings ?? []), ...(lhr.audits['largest-contentful-paint']?.errorMessage ? [lhr.audits['largest-contentful-paint'].errorMessage] : [])];
    return {
      path, scores, failing, warnings, finalUrl: lhr.finalDisplayedUrl,
      // Lighthouse's own CPU benchmark of this machine at the time (higher is faster; its
      // 4x slowdown assumes a typical desktop): on a shared machine it explains the spread.
      benchmarkIndex: Math.round(lhr.environment?.benchmarkIndex ?? 0),
      fcpMs: metric('first-contentful-paint'), lcpMs: metric('largest-contentful-paint'),
      tbtMs: metric('total-blocking-time'), cls: metric('cumulative-layout-shift'), speedIndexMs: metric('speed-index'),
    };
  } finally {
    await page.close();
  }
}

const PAGES = [
  { name: 'login', path: '/', signedIn: false },
  { name: 'main', path: '/main', signedIn: true },
  { name: 'bill result', path: null, signedIn: true },
];

try {
  // The bill result of the previous month (a closed bill, as a customer would open it).
  const now = new Date(Date.now() + 9 * 3600_000);
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  PAGES[2].path = `/bill/result?month=${previous.toISOString().slice(0, 7)}`;
  const rows = [];
  for (const target of PAGES) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await audit(target.path, target.signedIn);
      log(`  ${target.name} run ${i + 1}: ${CATEGORIES.map((c) => `${c} ${run.scores[c] ?? '-'}`).join(', ')}; benchmarkIndex ${run.benchmarkIndex}; FCP ${run.fcpMs?.toFixed(0)} ms, LCP ${run.lcpMs?.toFixed(0) ?? '-'} ms${run.warnings.length ? `; ${run.warnings.join(' | ')}` : ''}`);
      if (!run.finalUrl?.startsWith(`${base}${target.path.split('?')[0]}`)) log(`  warning: ended on ${run.finalUrl}`);
      runs.push(run);
    }
    runs.sort((a, b) => (a.scores.performance ?? -1) - (b.scores.performance ?? -1));
    rows.push({ name: target.name, ...runs[Math.floor(runs.length / 2)], runs });
  }
  const chromium = await browser.version();
  console.log(`Lighthouse 12.2.3, ${chromium}, mobile preset, median of ${RUNS} by performance:\n`);
  console.log('| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | performance of each run (benchmarkIndex) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ms = (v) => (v == null ? '-' : `${(v / 1000).toFixed(1)} s`);
    console.log(`| ${r.name} (\`${r.path}\`) | ${CATEGORIES.map((c) => r.scores[c] ?? '—').join(' | ')} | ${ms(r.fcpMs)} | ${ms(r.lcpMs)} | ${r.tbtMs == null ? '-' : `${r.tbtMs.toFixed(0)} ms`} | ${r.cls == null ? '-' : r.cls.toFixed(3)} | ${r.runs.map((x) => `${x.scores.performance ?? '—'} (${x.benchmarkIndex})`).join(', ')} |`);
  }
  for (const r of rows) if (r.failing.length) console.log(`\n${r.name}: failing audits: ${r.failing.join(', ')}`);
  if (options.json) writeFileSync(options.json, JSON.stringify({ chromium, runs: RUNS, rows }, null, 2));
} finally {
  await browser.close();
  if (stack) {
    const bad = await stack.stop();
    for (const line of bad) log(`warning: ${line}`);
  }
}
