// Drives Debian's headless Chromium against a running `callsim serve` (for
// tests/integration/serve.rs), in a 1280x720 window (a projector's): loads the page, checks
// that the settings, the KPIs and the day's charts fit in the window with type legible from
// the back of a room, moves the staffing slider with the keyboard (several moves in a row, so
// that requests supersede each other; with call types, the last agent group's and the last
// call type's controls), and checks that the KPI numbers and the what-if's chart change,
// that the baseline's and the what-if's charts keep one scale, that the page shows the answer
// to its latest request, that "watch the day" plays and follows a change of the what-if (it
// says the day shown is stale, then carries on with the new what-if's day at the same time of
// day), that a bad control value is reported in the call center's words (no file section or
// key), and that no request left the server's address.
//
//   node serve.mjs URL [SCREENSHOT_DIR]
//
// With SCREENSHOT_DIR, writes the README's pictures there, at 1280x720: serve-page.png,
// serve-whatif.png and serve-replay.png for a single queue, serve-skills.png for a center with
// call types. Prints one JSON line of what it saw; exits 1 on a failed check.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, shots] = process.argv.slice(2);
if (!url) {
  console.error('usage: node serve.mjs URL [SCREENSHOT_DIR]');
  process.exit(2);
}
const WIDTH = 1280;
const HEIGHT = 720;
// Smallest type, CSS pixels at 1280x720: chart labels and the KPIs' numbers.
const CHART_PX = 16;
const TEXT_PX = 18;
const origin = new URL(url).origin;
const profile = mkdtempSync(join(tmpdir(), 'callsim-chromium-'));
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
// Words of the scenario file that the page must never show: a [section] or a dotted key.
const FILE_WORDS = /\[\[?[a-z_]+\]\]?|\b(staffing|arrivals|patience|handle_time|proactive|callback|agent_group|call_type|service_level|retrials|lines|costs|time)(\[[^\]]*\])?\.[a-z_]/;

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: WIDTH, height: HEIGHT },
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
  // (the browser logs each answer that is not 2xx; the bad value below asks for a 400)
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 400/.test(m.text())) seen.errors.push(m.text());
  });

  await page.goto(url);
  const settled = async () => {
    await page.waitForFunction(() => document.body.dataset.shown !== undefined &&
      document.body.dataset.shown === document.body.dataset.requested &&
      !document.body.classList.contains('busy'), null, { timeout: 30000 });
  };
  await settled();
  await page.evaluate(() => document.fonts.ready);
  const read = () => page.evaluate(() => {
    const rows = [...document.querySelectorAll('#kpi-table tbody tr')];
    const scale = (id) => {
      const svg = document.querySelector(id + ' svg');
      return svg ? { calls: Number(svg.dataset.callsMax), agents: Number(svg.dataset.agentsMax) } : null;
    };
    return {
      whatif: Object.fromEntries(rows.map((tr) => [tr.dataset.kpi, tr.querySelector('td.whatif').textContent])),
      baseline: Object.fromEntries(rows.map((tr) => [tr.dataset.kpi, tr.children[1].textContent])),
      diff: Object.fromEntries(rows.map((tr) => [tr.dataset.kpi, tr.querySelector('td.diff').textContent])),
      chart: document.querySelector('#whatif-chart svg')?.outerHTML ?? '',
      scales: [scale('#baseline-chart'), scale('#whatif-chart')],
      shown: document.body.dataset.shown,
      requested: document.body.dataset.requested,
    };
  });
  // The charts' scales are one, and hold the taller of the two days.
  const sameScale = async (what) => {
    const now = await read();
    const [b, w] = now.scales;
    check(b && w && b.calls === w.calls && b.agents === w.agents,
      what + ': the baseline and what-if charts share one y-scale (' + JSON.stringify(now.scales) + ')');
    const tallest = await page.evaluate(() => Math.max(...[...document.querySelectorAll('figure.chart rect')]
      .map((r) => Number(r.getAttribute('height')))));
    const plot = await page.evaluate(() => {
      const svg = document.querySelector('#whatif-chart svg');
      return svg ? svg.viewBox.baseVal.height : 0;
    });
    check(tallest > 0 && tallest < plot / 2, what + ': the tallest bar fits its panel');
    return now;
  };
  // Everything a trainer needs is in the window, and its type is large enough.
  const layout = await page.evaluate(() => {
    const box = (sel) => document.querySelector(sel).getBoundingClientRect();
    const px = (el) => parseFloat(getComputedStyle(el).fontSize);
    const controls = document.getElementById('controls');
    const visible = (el) => el.getClientRects().length > 0;
    const chartText = [...document.querySelectorAll('figure.chart svg text')]
      .map((t) => Number(t.getAttribute('font-size') || t.closest('svg').getAttribute('font-size')) *
        t.closest('svg').getBoundingClientRect().width / t.closest('svg').viewBox.baseVal.width);
    return {
      page: { width: document.documentElement.scrollWidth },
      controls: controls.scrollHeight <= controls.clientHeight + 1 ? box('#controls').bottom : Infinity,
      reset: box('#reset').bottom,
      kpis: box('#kpi-table').bottom,
      charts: [box('#baseline-chart'), box('#whatif-chart')].map((r) => ({ top: r.top, bottom: r.bottom, height: r.height, width: r.width })),
      legend: box('#legend').bottom,
      chartPx: Math.min(...chartText),
      kpiPx: Math.min(...[...document.querySelectorAll('#kpi-table td')].filter(visible).map(px)),
      labelPx: Math.min(...[...document.querySelectorAll('#controls label')].filter(visible).map(px)),
    };
  });
  check(layout.page.width <= WIDTH, 'no sideways scrolling at ' + WIDTH + ' wide');
  for (const [what, bottom] of [['the controls', layout.controls], ['the reset button', layout.reset],
    ['the KPIs', layout.kpis], ['the legend', layout.legend]]) {
    check(bottom <= HEIGHT, what + ' above the fold at ' + WIDTH + 'x' + HEIGHT + ' (bottom ' + bottom + ')');
  }
  for (const c of layout.charts) {
    check(c.bottom <= HEIGHT && c.height >= 250 && c.width >= 380,
      'a day chart above the fold and large (' + JSON.stringify(c) + ')');
  }
  check(layout.chartPx >= CHART_PX, 'chart text at least ' + CHART_PX + ' px (' + layout.chartPx + ')');
  check(layout.kpiPx >= TEXT_PX, 'KPI text at least ' + TEXT_PX + ' px (' + layout.kpiPx + ')');
  check(layout.labelPx >= TEXT_PX, 'control labels at least ' + TEXT_PX + ' px (' + layout.labelPx + ')');

  const atLoad = (await page.evaluate(() => document.body.innerText)).match(FILE_WORDS);
  check(atLoad === null, 'the page names no file section or key at load: ' + (atLoad && atLoad[0]));
  const before = await sameScale('at load');
  check(before.chart.length > 1000, 'the what-if chart is drawn at load');
  check(before.whatif.service_level === before.baseline.service_level,
    'at load the what-if is the baseline');
  const groups = await page.locator('#skill-controls input[data-kind=group]').count();
  const types = await page.locator('#skill-controls input[data-kind=type]').count();
  // the window as the room sees it (no keyboard focus ring)
  const picture = async (name) => {
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.screenshot({ path: join(shots, name) });
  };
  if (shots && groups === 0) await picture('serve-page.png');

  // Moves control `selector` with `presses` presses of `key` (one request each, only the
  // last answer shown) and checks that the KPIs and the chart follow.
  const move = async (selector, key, presses, what) => {
    const was = await read();
    const value = () => page.evaluate((s) => document.querySelector(s).value, selector);
    const start = await value();
    await page.focus(selector);
    for (let i = 0; i < presses; i++) await page.keyboard.press(key);
    await settled();
    const now = await sameScale(what);
    check(Number(now.requested) >= Number(was.requested) + presses, what + ': each move sent a request');
    check(now.shown === now.requested, what + ': the latest answer is the one shown');
    check(await value() !== start, what + ': the control moved');
    check(now.whatif.service_level !== was.whatif.service_level, what + ': the service level changed');
    check(now.whatif.lost_customers !== was.whatif.lost_customers, what + ': lost customers changed');
    check(now.baseline.service_level === was.baseline.service_level, what + ': the baseline stayed');
    check(now.chart !== was.chart && now.chart.length > 1000, what + ': the what-if chart was redrawn');
    return now;
  };
  // a center with call types has a control per agent group and per call type
  let after;
  let staffing;
  if (groups > 0) {
    check(await page.locator('#staff').isHidden(), 'the single-queue staffing control is hidden');
    staffing = '#group-' + (groups - 1);
    after = await move(staffing, 'ArrowDown', 3, 'the last agent group');
    check(types > 1, 'a control per call type');
    // more calls than the baseline: the shared scale grows on both charts
    after = await move('#type-' + (types - 1), 'ArrowUp', 10, 'the last call type');
    if (shots) await picture('serve-skills.png');
  } else {
    // the trainer takes agents away: three key presses, three requests, only the last shown
    staffing = '#staff';
    after = await move(staffing, 'ArrowDown', 3, 'agents');
    if (shots) await picture('serve-whatif.png');
  }

  // watch the day, then change the what-if while it plays: the replay says the day shown is
  // stale, then carries on, at the same time of day, with the new what-if's day
  const replay = () => page.evaluate(() => ({
    state: document.body.dataset.replay,
    forSeq: document.body.dataset.replayFor,
    agents: document.body.dataset.replayAgents,
    t: Number(document.body.dataset.replayT || 0),
    said: document.getElementById('replay-status').textContent,
    staleShown: Number(document.body.dataset.staleShown || 0),
  }));
  await page.fill('#speed', shots ? '60' : '30');
  await page.dispatchEvent('#speed', 'input');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.body.dataset.replayT || 0) > 2 * 3600, null,
    { timeout: 30000 });
  const playing = await replay();
  check(playing.state === 'playing' && playing.forSeq === after.shown,
    'the replay plays the what-if shown (' + JSON.stringify(playing) + ')');
  await page.focus(staffing);
  await page.keyboard.press('ArrowUp');
  const stale = await replay();
  check(stale.staleShown === playing.staleShown + 1 && (stale.state !== 'playing' || stale.forSeq !== playing.forSeq),
    'a change of the what-if marks the replay stale (' + JSON.stringify(stale) + ')');
  await settled();
  const shownNow = await page.evaluate(() => document.body.dataset.shown);
  await page.waitForFunction((s) => document.body.dataset.replayFor === s &&
    document.body.dataset.replay === 'playing', shownNow, { timeout: 30000 });
  const followed = await replay();
  check(followed.agents !== playing.agents, "the replay's day has the new what-if's agents");
  check(followed.t >= playing.t, 'the replay carried on at the same time of day (' +
    followed.t + ' s after ' + playing.t + ' s)');
  check(!/stale/.test(followed.said), 'the replay no longer says it is stale: ' + followed.said);
  if (shots && groups === 0) {
    await page.waitForFunction(() => Number(document.body.dataset.replayT || 0) > 4.5 * 3600, null,
      { timeout: 30000 });
    await page.click('#play');
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.locator('#replay').screenshot({ path: join(shots, 'serve-replay.png') });
  }
  const replayT = (await replay()).t;
  check(replayT > 3600, 'the replay plays');

  // a bad control value (fewer than no agents) is reported in the call center's words, and
  // the replay says its day is stale
  await page.evaluate((s) => {
    const input = document.querySelector(s);
    input.min = -1;
    input.value = -1;
    input.dispatchEvent(new Event('input'));
  }, staffing);
  await page.waitForFunction(() => document.getElementById('status').classList.contains('error') &&
    !document.body.classList.contains('busy'), null, { timeout: 30000 });
  const status = await page.evaluate(() => document.getElementById('status').textContent);
  check(/agents/i.test(status), 'the error names the agents: ' + status);
  const text = await page.evaluate(() => document.body.innerText);
  const fileWords = text.match(FILE_WORDS);
  check(fileWords === null, 'no message names a file section or key: ' + (fileWords && fileWords[0]) + ' in ' + status);
  check((await replay()).state === 'stale', 'after a failed what-if the replay says it is stale');
  await page.click('#reset');
  await settled();
  check(!(await page.evaluate(() => document.body.classList.contains('failed'))), 'back to the baseline');
  await sameScale('back to the baseline');

  check(seen.outside.length === 0, 'no request left ' + origin + ': ' + seen.outside.join(', '));
  check(seen.errors.length === 0, 'no script errors: ' + seen.errors.join('; '));
  // what the page calls one replication (a day, a week, ...) and the what-if chart's words
  const words = await page.evaluate(() => ({
    heading: document.querySelector('#kpi-table thead th').firstChild.textContent,
    note: document.getElementById('kpi-note').textContent,
    legend: document.getElementById('legend').textContent,
    chart: [...document.querySelectorAll('#whatif-chart svg text')].map((t) => t.textContent),
    watching: document.getElementById('replay-status').textContent,
  }));
  console.log(JSON.stringify({ words, before: before.whatif, after: after.whatif, diff: after.diff,
    scales: after.scales, layout, error: status, requests: seen.requests.length,
    outside: seen.outside, replay_t: replayT, failures }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failures.length === 0 ? 0 : 1);
