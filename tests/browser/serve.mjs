// Drives Debian's headless Chromium against a running `callsim serve` (for
// tests/integration/serve.rs): loads the page, moves the staffing slider with the keyboard
// (several moves in a row, so that requests supersede each other; with call types, the last
// agent group's and the last call type's controls), and checks that the KPI
// numbers and the day-profile chart change, that the page shows the answer to its latest
// request, that "watch the day" plays, and that no request left the server's address.
//
//   node serve.mjs URL [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, writes serve-page.png, serve-whatif.png and serve-replay.png there
// (the README's walkthrough pictures). Prints one JSON line of what it saw; exits 1 on a
// failed check.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, shots] = process.argv.slice(2);
if (!url) {
  console.error('usage: node serve.mjs URL [SCREENSHOT_DIR]');
  process.exit(2);
}
const origin = new URL(url).origin;
const profile = mkdtempSync(join(tmpdir(), 'callsim-chromium-'));
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1600, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const seen = { requests: [], outside: [], errors: [] };
try {
  const page = context.pages()[0] || await context.newPage();
  page.on('request', (r) => {
    seen.requests.push(r.url());
    if (!r.url().startsWith(origin + '/')) seen.outside.push(r.url());
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });

  await page.goto(url);
  const settled = async () => {
    await page.waitForFunction(() => document.body.dataset.shown !== undefined &&
      document.body.dataset.shown === document.body.dataset.requested &&
      !document.body.classList.contains('busy'), null, { timeout: 30000 });
  };
  await settled();
  const read = () => page.evaluate(() => ({
    whatif: Object.fromEntries([...document.querySelectorAll('#kpi-table tbody tr')]
      .map((tr) => [tr.dataset.kpi, tr.querySelector('td.whatif').textContent])),
    baseline: Object.fromEntries([...document.querySelectorAll('#kpi-table tbody tr')]
      .map((tr) => [tr.dataset.kpi, tr.children[1].textContent])),
    diff: Object.fromEntries([...document.querySelectorAll('#kpi-table tbody tr')]
      .map((tr) => [tr.dataset.kpi, tr.querySelector('td.diff').textContent])),
    chart: document.querySelector('#day-profile svg')?.outerHTML ?? '',
    staff: document.getElementById('staff').value,
    shown: document.body.dataset.shown,
    requested: document.body.dataset.requested,
  }));
  const before = await read();
  check(before.chart.length > 1000, 'the day-profile chart is drawn at load');
  check(before.whatif.service_level === before.baseline.service_level,
    'at load the what-if is the baseline');
  if (shots) await page.screenshot({ path: join(shots, 'serve-page.png'), fullPage: false });

  // Moves control `selector` with `presses` presses of `key` (one request each, only the
  // last answer shown) and checks that the KPIs and the chart follow.
  const move = async (selector, key, presses, what) => {
    const was = await read();
    const value = () => page.evaluate((s) => document.querySelector(s).value, selector);
    const start = await value();
    await page.focus(selector);
    for (let i = 0; i < presses; i++) await page.keyboard.press(key);
    await settled();
    const now = await read();
    check(Number(now.requested) >= Number(was.requested) + presses, what + ': each move sent a request');
    check(now.shown === now.requested, what + ': the latest answer is the one shown');
    check(await value() !== start, what + ': the control moved');
    check(now.whatif.service_level !== was.whatif.service_level, what + ': the service level changed');
    check(now.whatif.lost_customers !== was.whatif.lost_customers, what + ': lost customers changed');
    check(now.baseline.service_level === was.baseline.service_level, what + ': the baseline stayed');
    check(now.chart !== was.chart && now.chart.length > 1000, what + ': the day-profile chart was redrawn');
    return now;
  };
  // a center with call types has a control per agent group and per call type
  const groups = await page.locator('#skill-controls input[data-kind=group]').count();
  const types = await page.locator('#skill-controls input[data-kind=type]').count();
  let after;
  if (groups > 0) {
    check(await page.locator('#staff').isHidden(), 'the single-queue staffing control is hidden');
    after = await move('#group-' + (groups - 1), 'ArrowDown', 3, 'the last agent group');
    check(types > 1, 'a control per call type');
    after = await move('#type-' + (types - 1), 'ArrowUp', 4, 'the last call type');
  } else {
    // the trainer takes agents away: three key presses, three requests, only the last shown
    after = await move('#staff', 'ArrowDown', 3, 'agents');
  }
  if (shots) {
    await page.locator('#kpis').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'serve-whatif.png'), fullPage: true });
  }

  // watch the day (for the screenshot: fast, into the afternoon, then paused)
  if (shots) await page.fill('#speed', '60');
  await page.click('#play');
  const until = shots ? 5.25 * 3600 : 3600;
  await page.waitForFunction((t) => Number(document.body.dataset.replayT || 0) > t, until,
    { timeout: 30000 });
  if (shots) {
    await page.click('#play');
    await page.locator('#replay').screenshot({ path: join(shots, 'serve-replay.png') });
  }
  const replayT = await page.evaluate(() => Number(document.body.dataset.replayT));
  check(replayT > 3600, 'the replay plays');
  check(seen.outside.length === 0, 'no request left ' + origin + ': ' + seen.outside.join(', '));
  check(seen.errors.length === 0, 'no script errors: ' + seen.errors.join('; '));
  console.log(JSON.stringify({ before: before.whatif, after: after.whatif, diff: after.diff,
    requests: seen.requests.length, outside: seen.outside, replay_t: replayT, failures }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failures.length === 0 ? 0 : 1);
