// Browser end-to-end tests of the phonebill web app (SPEC §9) against the real stack.
// Started by tests/e2e/run; see docs/web.md. playwright-core drives Debian's chromium
// (/usr/bin/chromium, headless, --no-sandbox). Screenshots of every screen at phone
// (390×844) and desktop (1280×800) widths go to tests/e2e/screenshots/ (git-ignored).
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Stack } from './stack.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const require = createRequire(join(ROOT, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const env = process.env;
const BUILD_DIR = env.PHONEBILL_BUILD_DIR ?? join(ROOT, 'build', 'asan');
const TMP = env.PHONEBILL_TEST_TMP ?? mkdtempSync(join(tmpdir(), 'phonebill-e2e-'));
const SHOTS = env.PHONEBILL_E2E_SCREENSHOTS ?? join(HERE, 'screenshots');
const CHROMIUM = env.PHONEBILL_CHROMIUM ?? '/usr/bin/chromium';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const filters = process.argv.slice(2);

const USERS = {
  user01: 'Passw0rd!01', user02: 'Passw0rd!02', user03: 'Passw0rd!03', admin: 'Adm1nPass!00',
};

const log = (...args) => console.log(...args);
function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const digits = (text) => Number(String(text).replace(/[^\d-]/g, ''));

// ---- stack ------------------------------------------------------------------------------
if (!env.PHONEBILL_TEST_PG_DSN || !env.PHONEBILL_TEST_REDIS_URL) {
  console.error('e2e: PHONEBILL_TEST_PG_DSN and PHONEBILL_TEST_REDIS_URL are required (run tests/e2e/run)');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });
const stack = new Stack({
  root: ROOT, buildDir: BUILD_DIR, tmp: TMP, pgDsn: env.PHONEBILL_TEST_PG_DSN,
  redisUrl: env.PHONEBILL_TEST_REDIS_URL, log,
});
let browser;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  try { await browser?.close(); } catch { /* gone */ }
  const bad = await stack.stop().catch((e) => [String(e)]);
  for (const line of bad) log(`warning: ${line}`);
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stack.killNow(); process.exit(130); });
process.on('exit', () => stack.killNow());

// ---- API helpers (Node side, straight to the gateway) -----------------------------------
async function api(method, path, { token, body } = {}) {
  const response = await fetch(stack.gateway + path, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => null);
  return { status: response.status, json };
}
async function apiLogin(userId) {
  const { status, json } = await api('POST', '/api/v1/auth/login', { body: { userId, password: USERS[userId] } });
  assert(status === 200, `API login ${userId}: HTTP ${status}`);
  return json.data.accessToken;
}

// ---- browser helpers --------------------------------------------------------------------
async function newPage() {
  const context = await browser.newContext({
    viewport: PHONE, locale: 'ko-KR', timezoneId: 'Asia/Seoul', reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const consoleErrors = [];
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.consoleErrors = consoleErrors;
  return page;
}

/** One screenshot at phone width and one at desktop width (full page). */
const SHOT_CSS = '.topbar,.subheader,.current-summary,.action-bar{position:static!important}.has-action-bar .page{padding-bottom:16px!important}';
async function shot(page, name) {
  // Full-page captures: sticky and fixed bars in the flow, so they are not painted mid-page.
  await page.addStyleTag({ content: SHOT_CSS });
  await sleep(150);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await sleep(250);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.evaluate(() => document.querySelectorAll('style').forEach((el) => {
    if (el.textContent?.startsWith('.topbar,.subheader')) el.remove();
  }));
  await sleep(100);
}

async function login(page, userId, password = USERS[userId]) {
  await page.goto(`${stack.gateway}/`);
  await page.fill('#userId', userId);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/main');
  await page.waitForSelector('[data-testid=user-name]');
}

async function chooseMonth(page, index) {
  await page.waitForSelector('#inquiryMonth');
  const values = await page.$$eval('#inquiryMonth option', (os) => os.map((o) => o.value).filter(Boolean));
  const month = values[Math.min(index, values.length - 1)];
  await page.selectOption('#inquiryMonth', month);
  return month;
}

/** Presses Tab (only the keyboard) until the focused element matches `selector`. */
async function tabTo(page, selector, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`keyboard: never reached ${selector} with Tab`);
}

async function focusVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  });
}

// ---- tests ------------------------------------------------------------------------------
const tests = [];
const test = (name, fn, { skip } = {}) => tests.push({ name, fn, skip });
const productChange = () => stack.has('product-change');
const SKIP_PRODUCT = () => (productChange() ? null
  : `no product-change binary in ${BUILD_DIR}/services/product-change (lead: re-run once it lands)`);

test('login failure shows remaining attempts, then the lock message and countdown', async () => {
  const page = await newPage();
  await page.goto(`${stack.gateway}/`);
  await shot(page, '01-login');
  // Empty fields: client-side validation, focus on the field.
  await page.click('button[type=submit]');
  await page.waitForSelector('#userId-error');
  assert((await page.textContent('#userId-error')).includes('아이디를 입력해주세요'), 'empty id message');
  for (let attempt = 1; attempt <= 4; attempt++) {
    await page.fill('#userId', 'user03');
    await page.fill('#password', `wrong-pass-${attempt}`);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=login-error-detail]', { hasText: `${5 - attempt}회 더` }).waitFor();
  }
  const detail = await page.textContent('[data-testid=login-error-detail]');
  assert(detail.includes('1회 더 시도할 수 있습니다'), `remaining attempts text: ${detail}`);
  await shot(page, '01-login-error');
  await page.fill('#password', 'wrong-pass-5');
  await page.click('button[type=submit]');
  await page.locator('[data-testid=login-error]', { hasText: '30분간 계정이 잠금' }).waitFor();
  await page.waitForSelector('[data-testid=lock-countdown]');
  assert(await page.isDisabled('button[type=submit]'), 'submit disabled while locked');
  const countdown = await page.textContent('[data-testid=lock-countdown]');
  assert(/29분|30분/.test(countdown), `countdown: ${countdown}`);
  await shot(page, '01-login-locked');
  // A new page: AUTH_003 (still locked) with lockedUntil.
  await page.reload();
  await page.fill('#userId', 'user03');
  await page.fill('#password', USERS.user03);
  await page.click('button[type=submit]');
  await page.locator('[data-testid=login-error]', { hasText: '잠금' }).waitFor();
  await page.waitForSelector('[data-testid=lock-countdown]');
  await page.context().close();
});

let billChecked = null;
test('user01 inquires a chosen month; the totals match the API', async () => {
  const page = await newPage();
  await login(page, 'user01');
  await shot(page, '02-main');
  await page.click('[data-testid=card-bill]');
  await page.waitForURL('**/bill/menu');
  const month = await chooseMonth(page, 1);
  await page.waitForSelector('[data-testid=bill-menu-message]');
  await shot(page, '03-bill-menu');
  await page.click('[data-testid=bill-submit]');
  await page.waitForURL(`**/bill/result?month=${month}`);
  await page.waitForSelector('[data-testid=bill-total]');
  const shown = {
    total: digits(await page.textContent('[data-testid=bill-total]')),
    monthly: digits(await page.textContent('[data-testid=row-monthly] dd')),
    usage: digits(await page.textContent('[data-testid=row-usage] dd')),
    rowTotal: digits(await page.textContent('[data-testid=row-total] dd')),
  };
  const token = await apiLogin('user01');
  const { status, json } = await api('POST', '/api/v1/bills/inquiry', { token, body: { inquiryMonth: month } });
  assert(status === 200, `API inquiry HTTP ${status}`);
  const bill = json.data.billInfo;
  assert(bill.billingMonth === month, `billing month ${bill.billingMonth} vs ${month}`);
  assert(shown.total === bill.totalAmount && shown.rowTotal === bill.totalAmount,
    `total shown ${shown.total}/${shown.rowTotal} vs API ${bill.totalAmount}`);
  assert(shown.monthly === bill.monthlyFee, `monthly fee ${shown.monthly} vs ${bill.monthlyFee}`);
  assert(shown.usage === bill.usageFee, `usage fee ${shown.usage} vs ${bill.usageFee}`);
  const announce = await page.textContent('[data-testid=bill-announce]');
  assert(announce.includes('조회가 완료'), `aria-live announcement: ${announce}`);
  await page.click('#toggle-extra');
  await shot(page, '04-bill-result');
  billChecked = { month, total: bill.totalAmount };
  log(`    ${month}: total ${bill.totalAmount}원 shown and returned by the API`);
  await page.context().close();
});

test('user02 sees product change greyed out and the no-permission dialog', async () => {
  const page = await newPage();
  await login(page, 'user02');
  const card = page.locator('[data-testid=card-product]');
  assert((await card.getAttribute('aria-disabled')) === 'true', 'product card aria-disabled');
  assert((await card.getAttribute('class')).includes('disabled'), 'product card greyed out');
  await card.click({ force: true }); // aria-disabled, yet clickable: it opens the dialog
  const dialog = page.locator('[data-testid=no-permission-dialog]');
  await dialog.waitFor();
  assert((await dialog.textContent()).includes('접근 권한 없음'), 'dialog title');
  assert((await dialog.getAttribute('role')) === 'dialog' && (await dialog.getAttribute('aria-modal')) === 'true', 'dialog role');
  await shot(page, '02-main-no-permission');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'card-product'), 'focus returns to the card');
  // Typing the URL: the session is restored from sessionStorage, the route refuses.
  await page.goto(`${stack.gateway}/product/menu`);
  await page.waitForURL('**/main');
  await page.locator('[data-testid=no-permission-dialog]').waitFor();
  await page.context().close();
});

test('user01 changes plan end to end; the main screen shows the new plan', async () => {
  const page = await newPage();
  await login(page, 'user01');
  await page.waitForSelector('[data-testid=current-product] .product-name');
  const before = (await page.textContent('[data-testid=current-product] .product-name')).trim();
  await page.click('[data-testid=card-product]');
  await page.waitForURL('**/product/menu');
  await page.waitForSelector('[data-testid=menu-current-product]');
  await shot(page, '05-product-menu');
  await page.click('[data-testid=start-change]');
  await page.waitForURL('**/product/change');
  await page.waitForSelector('[role=radio]');
  const radios = page.locator('[role=radio]');
  const count = await radios.count();
  assert(count > 0, 'available products');
  // The first plan that passes the pre-check (same operator, on sale).
  await radios.nth(0).click();
  assert((await radios.nth(0).getAttribute('aria-checked')) === 'true', 'selected card aria-checked');
  await shot(page, '06-product-select');
  const target = (await radios.nth(0).locator('.product-title').textContent()).trim();
  await page.click('[data-testid=select-next]');
  await page.waitForURL('**/product/request');
  await shot(page, '07-product-request');
  await page.click('[data-testid=start-precheck]');
  await page.waitForSelector('[data-testid=submit-change], [data-testid=request-error]');
  if (await page.locator('[data-testid=request-error]').count()) {
    throw new Error(`pre-check failed for ${target}: ${await page.textContent('[data-testid=request-error]')}`);
  }
  const steps = await page.$$eval('[data-testid=precheck-steps] li', (ls) => ls.map((l) => l.dataset.result));
  assert(steps.length >= 3 && steps.every((r) => r === 'PASS'), `pre-check steps ${steps}`);
  await shot(page, '07-product-request-passed');
  await page.click('[data-testid=submit-change]');
  await page.waitForURL('**/product/result');
  await page.waitForSelector('[data-testid=change-success], [data-testid=change-pending], [data-testid=change-failure]');
  assert(await page.locator('[data-testid=change-success]').count() === 1,
    `change result: ${await page.textContent('main')}`);
  assert((await page.textContent('[data-testid=result-product]')).includes(target), 'result shows the new plan');
  await shot(page, '08-product-result');
  await page.click('[data-testid=result-main]');
  await page.waitForURL('**/main');
  await page.locator('[data-testid=current-product] .product-name', { hasText: target }).waitFor();
  log(`    ${before} → ${target}`);
  await page.context().close();
}, { skip: SKIP_PRODUCT });

test('the access token is refreshed before it expires, transparently', async () => {
  const page = await newPage();
  const refreshes = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v1/auth/refresh')) refreshes.push(response.status());
  });
  await login(page, 'user01');
  // Tokens live 60 s in this stack; the app renews 60 s before expiry (at least 5 s on).
  for (let i = 0; i < 100 && refreshes.length === 0; i++) await sleep(100);
  assert(refreshes.length >= 1 && refreshes.every((s) => s === 200), `refreshes: ${refreshes}`);
  await page.click('[data-testid=card-bill]');
  await page.waitForURL('**/bill/menu');
  await page.waitForSelector('#inquiryMonth');
  // A reload keeps the session (refresh token in sessionStorage, access token re-issued).
  await page.reload();
  await page.waitForSelector('#inquiryMonth');
  assert(page.url().endsWith('/bill/menu'), 'still on the bill menu after reload');
  await page.context().close();
});

test('logout returns to login and the old token no longer works', async () => {
  const page = await newPage();
  let token = null;
  page.on('request', (request) => {
    const auth = request.headers().authorization;
    if (auth?.startsWith('Bearer ')) token = auth.slice(7);
  });
  await login(page, 'user01');
  assert(token, 'an API call carried the bearer token');
  assert((await api('GET', '/api/v1/auth/me', { token })).status === 200, 'token works before logout');
  await page.click('text=로그아웃');
  await page.locator('[data-testid=logout-dialog]').waitFor();
  await page.click('[data-testid=logout-dialog] >> text=로그아웃 >> nth=-1');
  await page.waitForURL(`${stack.gateway}/`);
  await page.waitForSelector('[data-testid=login-notice]');
  assert(await page.evaluate(() => !sessionStorage.getItem('phonebill.refreshToken') && !localStorage.getItem('phonebill.refreshToken')), 'no refresh token left in storage');
  let status = 0;
  let code = '';
  for (let i = 0; i < 20; i++) {
    const answer = await api('GET', '/api/v1/auth/me', { token });
    status = answer.status;
    code = answer.json?.error?.code;
    if (status === 401) break;
    await sleep(100);
  }
  assert(status === 401, `old token after logout: HTTP ${status}`);
  log(`    old token: 401 ${code}`);
  // The app itself: a protected URL now goes to login.
  await page.goto(`${stack.gateway}/bill/menu`);
  await page.waitForSelector('#userId');
  await page.context().close();
});

test('the whole flow works with only the keyboard', async () => {
  const page = await newPage();
  await page.goto(`${stack.gateway}/`);
  await tabTo(page, '#userId');
  assert(await focusVisible(page), 'visible focus on the id field');
  await page.keyboard.type('user01');
  await page.keyboard.press('Tab');
  await page.keyboard.type(USERS.user01);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/main');
  await page.waitForSelector('[data-testid=user-name]');
  await tabTo(page, '[data-testid=card-bill]');
  assert(await focusVisible(page), 'visible focus on the bill card');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/bill/menu');
  await tabTo(page, '#inquiryMonth');
  const first = await page.inputValue('#inquiryMonth');
  await page.keyboard.press('ArrowDown');
  const month = await page.inputValue('#inquiryMonth');
  assert(month && month !== first, `arrow key changed the month (${first} → ${month})`);
  await tabTo(page, '[data-testid=bill-submit]');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/bill/result**');
  await page.waitForSelector('[data-testid=bill-total]');
  await tabTo(page, '#toggle-extra');
  assert(await focusVisible(page), 'visible focus on a collapsible header');
  await page.keyboard.press('Enter');
  assert((await page.getAttribute('#toggle-extra', 'aria-expanded')) === 'true', 'Enter expands');
  await page.keyboard.press('Escape');
  assert((await page.getAttribute('#toggle-details', 'aria-expanded')) === 'false', 'Esc collapses');
  await tabTo(page, 'main .button-row .btn-primary');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/main');
  if (productChange()) {
    await page.waitForSelector('[data-testid=current-product] .product-name');
    await tabTo(page, '[data-testid=card-product]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/product/menu');
    await tabTo(page, '[data-testid=start-change]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/product/change');
    await page.waitForSelector('[role=radio]');
    await tabTo(page, '[role=radio]');
    assert(await focusVisible(page), 'visible focus on a plan card');
    const firstCode = await page.evaluate(() => document.activeElement.dataset.testid);
    await page.keyboard.press('ArrowDown');
    const secondCode = await page.evaluate(() => document.activeElement.dataset.testid);
    assert(firstCode !== secondCode, 'ArrowDown moves within the radio group');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press(' ');
    assert((await page.getAttribute(`[data-testid=${firstCode}]`, 'aria-checked')) === 'true', 'Space selects');
    await tabTo(page, '[data-testid=select-next]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/product/request');
    await tabTo(page, '[data-testid=start-precheck]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=submit-change]');
    await tabTo(page, '[data-testid=submit-change]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/product/result');
    await page.waitForSelector('[data-testid=change-success]');
    await tabTo(page, '[data-testid=result-main]');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/main');
  } else {
    log('    (product screens skipped: no product-change binary)');
  }
  await tabTo(page, '.topbar button');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=logout-dialog]').waitFor();
  await tabTo(page, '[data-testid=logout-dialog] .btn-primary');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${stack.gateway}/`);
  await page.context().close();
});

test('a KOS outage shows the unavailable state, then the stale bill with its date', async () => {
  const page = await newPage();
  await login(page, 'user01');
  await page.goto(`${stack.gateway}/bill/menu`);
  const cached = await chooseMonth(page, 2);
  await page.click('[data-testid=bill-submit]');
  await page.waitForSelector('[data-testid=bill-total]');
  const cachedTotal = digits(await page.textContent('[data-testid=bill-total]'));
  await sleep(2000); // the cached copy is no longer fresh (1.5 s in this stack)
  await stack.faults({ latencyMs: 0, jitterMs: 0, errorRate: 0, timeoutRate: 0, outage: true, endpoints: {} });
  try {
    await page.goto(`${stack.gateway}/bill/menu`);
    const uncached = await chooseMonth(page, 4);
    assert(uncached !== cached, 'two different months');
    await page.click('[data-testid=bill-submit]');
    await page.waitForSelector('[data-testid=error-panel]', { timeout: 20_000 });
    const code = await page.getAttribute('[data-testid=error-panel]', 'data-code');
    assert(code === 'KOS_UNAVAILABLE', `error code ${code}`);
    assert(await page.locator('[data-testid=error-panel] >> text=다시 시도').count() >= 1, 'retry button');
    await shot(page, '04-bill-kos-unavailable');
    await page.click('[data-testid=error-panel] >> text=다시 시도');
    await page.waitForSelector('[data-testid=error-panel]', { timeout: 20_000 });
    await page.goto(`${stack.gateway}/bill/result?month=${cached}`);
    await page.waitForSelector('[data-testid=stale-notice]', { timeout: 20_000 });
    const source = await page.getAttribute('[data-testid=bill-summary]', 'data-source');
    assert(source === 'STALE_CACHE', `source ${source}`);
    const date = await page.textContent('[data-testid=stale-date]');
    assert(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(date), `stale date ${date}`);
    assert(digits(await page.textContent('[data-testid=bill-total]')) === cachedTotal, 'stale total = the cached one');
    await shot(page, '04-bill-stale');
    log(`    ${uncached}: KOS_UNAVAILABLE; ${cached}: STALE_CACHE from ${date}`);
  } finally {
    await stack.faults(null);
  }
  await page.context().close();
});

test('ADMIN operations page charts live traffic, breakers and caches', async () => {
  const page = await newPage();
  await login(page, 'admin');
  await page.click('[data-testid=card-ops]');
  await page.waitForURL('**/ops');
  await page.waitForSelector('[data-testid=chart-rate] canvas');
  await page.waitForSelector('[data-testid=chart-latency] canvas');
  await page.waitForSelector('[data-testid=chart-errors] canvas');
  await page.waitForSelector('[data-testid=routes-table] tbody tr');
  await page.waitForSelector('[data-testid=breakers] [data-state]');
  await sleep(4500); // a few samples
  await shot(page, '09-ops');
  await page.context().close();
  // Not for others: user01 is sent back to main with the no-permission dialog.
  const other = await newPage();
  await login(other, 'user01');
  await other.goto(`${stack.gateway}/ops`);
  await other.waitForURL('**/main');
  await other.locator('[data-testid=no-permission-dialog]').waitFor();
  await other.context().close();
});

// ---- performance and size (docs/benchmarks.md, "web") -----------------------------------
async function measure() {
  const dist = join(ROOT, 'web', 'dist');
  const files = [];
  const walk = (dir) => readdirSync(dir).forEach((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (!f.startsWith('.') && !f.endsWith('.gz')) files.push({ file: p.slice(dist.length + 1), bytes: statSync(p).size, gzip: gzipSync(readFileSync(p)).length });
  });
  walk(dist);
  const coldLoad = async (throttled) => {
    const page = await newPage();
    if (throttled) {
      // Lighthouse's mobile preset: 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, 4x CPU.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    }
    await page.goto(`${stack.gateway}/`, { waitUntil: 'load' });
    await page.waitForSelector('#userId');
    const sample = await page.evaluate(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0];
      const transferred = performance.getEntriesByType('resource').reduce((s, r) => s + (r.transferSize || 0), nav.transferSize || 0);
      return { fcp: paint?.startTime ?? null, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, transferred };
    });
    await page.context().close();
    return sample;
  };
  const cold = [];
  for (let i = 0; i < 5; i++) cold.push(await coldLoad(false));
  const throttled = [];
  for (let i = 0; i < 3; i++) throttled.push(await coldLoad(true));
  const medianOf = (list, key) => list.map((c) => c[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const median = (key) => medianOf(cold, key);
  const result = {
    files, totalBytes: files.reduce((s, f) => s + f.bytes, 0), totalGzip: files.reduce((s, f) => s + f.gzip, 0),
    coldLoads: cold, medianFcpMs: median('fcp'), medianDomContentLoadedMs: median('domContentLoaded'),
    medianLoadMs: median('load'), transferredBytes: median('transferred'),
    throttledLoads: throttled, throttledMedianFcpMs: medianOf(throttled, 'fcp'), throttledMedianLoadMs: medianOf(throttled, 'load'),
    chromium: browser.version(), measuredAt: new Date().toISOString(),
  };
  writeFileSync(join(SHOTS, 'perf.json'), JSON.stringify(result, null, 2));
  log(`    dist ${(result.totalBytes / 1024).toFixed(1)} KiB (${(result.totalGzip / 1024).toFixed(1)} KiB gzip); login page cold: FCP ${result.medianFcpMs?.toFixed(0)} ms, DOMContentLoaded ${result.medianDomContentLoadedMs.toFixed(0)} ms, load ${result.medianLoadMs.toFixed(0)} ms (median of 5); mobile-throttled FCP ${result.throttledMedianFcpMs?.toFixed(0)} ms, load ${result.throttledMedianLoadMs.toFixed(0)} ms (median of 3)`);
}

// ---- main -------------------------------------------------------------------------------
async function main() {
  const started = Date.now();
  log(`e2e: starting the stack from ${BUILD_DIR} (logs: ${join(TMP, 'logs')})`);
  await stack.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--font-render-hinting=none'],
  });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const selected = tests.filter((t) => !filters.length || filters.some((f) => t.name.includes(f)));
  for (const t of selected) {
    const reason = typeof t.skip === 'function' ? t.skip() : t.skip;
    if (reason) {
      skipped++;
      log(`SKIPPED ${t.name} — ${reason}`);
      continue;
    }
    const t0 = Date.now();
    try {
      await Promise.race([t.fn(), sleep(90_000).then(() => { throw new Error('timed out after 90 s'); })]);
      passed++;
      log(`ok      ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      log(`FAILED  ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n        ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n        ')}`);
      for (const context of browser.contexts()) {
        for (const page of context.pages()) {
          await page.screenshot({ path: join(SHOTS, `FAILED-${t.name.slice(0, 30).replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
          if (page.consoleErrors?.length) log(`        page errors: ${page.consoleErrors.join(' | ')}`);
        }
        await context.close().catch(() => {});
      }
    }
  }
  if (!filters.length || filters.includes('perf')) {
    try { await measure(); } catch (error) { log(`warning: measuring failed: ${error}`); }
  }
  log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in ${SHOTS}`);
  await shutdown(failed ? 1 : 0);
}

main().catch(async (error) => {
  log(`e2e: ${error?.stack ?? error}`);
  await shutdown(1);
});
