// The live what-if page of `callsim serve`. Every control change sends the what-if to
// POST /api/run with a sequence number; an older request still running is aborted here and
// stopped by the server, and an answer that is not the latest request's is never shown.
// The day's charts of the baseline and the what-if are drawn here, on one scale, in the
// window's own pixels (so their type is as large as the page's); the replay follows the
// what-if: a change reloads its day and carries on at the same time of day.
'use strict';

const $ = (id) => document.getElementById(id);
const client = Math.random().toString(36).slice(2) + Date.now().toString(36);
let info = null; // GET /api/scenario
let seq = 0; // number of the latest request sent
let inFlight = null; // AbortController of the request in flight

// KPIs shown, in order: [name, label, kind]; kind fixes the format. The first screen shows
// KPIS, the cost section below it COST_PARTS.
const KPIS = [
  ['service_level', 'Service level', 'share'],
  ['asa_s', 'Average speed of answer', 'seconds'],
  ['abandon_rate', 'Callers who hang up', 'share'],
  ['lost_customers', 'Lost customers', 'count'],
  ['occupancy', 'Occupancy of the agents', 'share'],
  ['total_cost', 'Cost of the day', 'money'],
];
const COST_PARTS = [
  ['cost_agents', 'Agents', 'money'],
  ['cost_telephony', 'Telephony', 'money'],
  ['cost_proactive', 'Proactive contact', 'money'],
  ['cost_lost_customers', 'Lost customers', 'money'],
  ['total_cost', 'Total', 'money'],
];
const UP_IS_BETTER = new Set(['service_level']);
const NEUTRAL = new Set(['occupancy']);

function fmt(x, kind) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  switch (kind) {
    case 'share': return (100 * x).toFixed(1) + '%';
    case 'seconds': return x.toFixed(1) + ' s';
    case 'money': return Math.round(x).toLocaleString('en-US');
    default: return x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }
}

function fmtCi(ci, kind) {
  if (ci === null || ci === undefined || !Number.isFinite(ci)) return '';
  if (kind === 'share') return ' ± ' + (100 * ci).toFixed(1);
  if (kind === 'money') return ' ± ' + Math.round(ci).toLocaleString('en-US');
  return ' ± ' + ci.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function signed(x, kind) {
  if (x === null || !Number.isFinite(x)) return '–';
  const s = fmt(Math.abs(x), kind);
  return (x > 0 ? '+' : x < 0 ? '−' : '±') + (kind === 'share' ? s.replace('%', ' pts') : s);
}

function clock(s) {
  const m = Math.floor(s / 60);
  return String(Math.floor(m / 60) % 24).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
}

function minutes(s) {
  const m = Math.floor(s / 60);
  const r = Math.round(s - 60 * m);
  return m + ' min ' + String(r).padStart(2, '0') + ' s';
}

// ---- controls -------------------------------------------------------------------------

function section(name) {
  return (info && info.scenario && info.scenario[name]) || null;
}

// A control: a label with its value on one line, and a slider under it.
function slider(id, label, min, max, step, value) {
  const div = document.createElement('div');
  div.className = 'control';
  div.innerHTML = '<label><span></span><output></output></label><input type="range">';
  const [l, input] = div.children;
  l.htmlFor = id; l.firstChild.textContent = label; l.title = label;
  l.lastChild.id = id + '-out'; l.lastChild.htmlFor = id;
  Object.assign(input, { id, min, max, step, value });
  input.dataset.base = value;
  input.addEventListener('input', update);
  return div;
}

// A center with call types and agent groups: one staffing control per group and one volume
// control per call type, in file order, in place of the single queue's.
function skillControls() {
  const box = $('skill-controls');
  box.replaceChildren();
  const types = section('call_type');
  const groups = section('agent_group');
  const multi = Array.isArray(types) && Array.isArray(groups);
  for (const id of ['staff-control', 'volume-control', 'patience-control']) $(id).hidden = multi;
  if (!multi) return;
  const add = (kind, i, label, min, max, step, value) => {
    const div = slider(kind + '-' + i, label, min, max, step, value);
    div.lastChild.dataset.kind = kind;
    div.lastChild.dataset.index = i;
    box.append(div);
  };
  const heading = (text) => {
    const h = document.createElement('p');
    h.className = 'heading';
    h.textContent = text;
    box.append(h);
  };
  heading('Agents in each group');
  groups.forEach((g, i) => {
    const agents = g.staffing && g.staffing.agents;
    if (typeof agents === 'number') {
      add('group', i, g.name, 0, Math.max(2 * agents, agents + 10), 1, agents);
    } else {
      add('group', i, g.name + ' (% of plan)', 50, 150, 5, 100);
    }
  });
  heading('Calls of each type');
  types.forEach((t, i) => add('type', i, t.name, -50, 50, 5, 0));
}

// The dotted-key overrides of the per-group and per-type controls (only what differs).
function skillOverrides(o) {
  const types = section('call_type') || [];
  const groups = section('agent_group') || [];
  for (const input of document.querySelectorAll('#skill-controls input')) {
    const v = Number(input.value);
    if (v === Number(input.dataset.base)) continue;
    const i = Number(input.dataset.index);
    if (input.dataset.kind === 'group') {
      const g = groups[i];
      const key = 'agent_group[' + g.name + '].staffing.';
      if (typeof g.staffing.agents === 'number') o[key + 'agents'] = v;
      else o[key + 'per_interval'] = g.staffing.per_interval.map((a) => Math.round(a * v / 100));
    } else {
      const t = types[i];
      const f = 1 + v / 100;
      const key = 'call_type[' + t.name + '].arrivals.';
      if (Array.isArray(t.arrivals.per_interval)) {
        o[key + 'per_interval'] = t.arrivals.per_interval.map((x) => Math.round(x * f * 100) / 100);
      } else if (typeof t.arrivals.calls_per_hour === 'number') {
        o[key + 'calls_per_hour'] = Math.round(t.arrivals.calls_per_hour * f * 100) / 100;
      }
    }
  }
}

function setUp() {
  $('title').textContent = info.name;
  $('description').textContent = info.description || '';
  $('description').title = info.description || '';
  skillControls();
  const staffing = section('staffing') || {};
  const staff = $('staff');
  if (typeof staffing.agents === 'number') {
    const a = staffing.agents;
    staff.min = 1;
    staff.max = Math.max(2 * a, a + 10);
    staff.step = 1;
    staff.value = a;
    staff.dataset.base = a;
    $('staff-label').textContent = 'Agents on the phones';
  } else {
    staff.min = 50; staff.max = 150; staff.step = 5; staff.value = 100;
    staff.dataset.base = 100;
    $('staff-label').textContent = 'Agents (% of the plan)';
  }
  staff.disabled = false;
  const volume = $('volume');
  volume.value = 0;
  volume.dataset.base = 0;
  volume.disabled = false;
  // a control that cannot change anything in this call center is not shown
  const patience = section('patience');
  const pat = $('patience');
  const hangsUp = !!(patience && patience.mean !== undefined && info.patience_mean_s);
  $('patience-control').hidden = $('patience-control').hidden || !hangsUp;
  if (hangsUp) {
    const m = info.patience_mean_s;
    pat.min = Math.max(5, Math.round(m / 4 / 5) * 5);
    pat.max = Math.round(m * 3 / 5) * 5;
    pat.step = 5;
    pat.value = m;
    pat.dataset.base = m;
    pat.disabled = false;
  }
  const proactive = section('proactive');
  const cov = $('coverage');
  const contacts = !!(proactive && typeof proactive.coverage === 'number');
  $('coverage-control').hidden = !contacts;
  if (contacts) {
    cov.value = Math.round(100 * proactive.coverage);
    cov.dataset.base = cov.value;
    cov.disabled = false;
  }
  const cb = $('callback');
  cb.checked = !!section('callback');
  cb.dataset.base = cb.checked ? '1' : '';
  cb.disabled = false;
  $('callback-note').textContent = cb.checked
    ? 'as this call center offers it'
    : 'when the expected wait is over 2 min; 60% accept';
  showOutputs();
}

function showOutputs() {
  const staff = $('staff');
  const agents = (v) => v + (Number(v) === 1 ? ' agent' : ' agents');
  $('staff-out').textContent = typeof (section('staffing') || {}).agents === 'number'
    ? agents(staff.value) : staff.value + '%';
  const v = Number($('volume').value);
  $('volume-out').textContent = (v > 0 ? '+' : '') + v + '%';
  $('patience-out').textContent = $('patience').disabled ? '–' : minutes(Number($('patience').value));
  $('coverage-out').textContent = $('coverage').disabled ? '–' : $('coverage').value + '%';
  for (const input of document.querySelectorAll('#skill-controls input')) {
    const v = Number(input.value);
    $(input.id + '-out').textContent = input.dataset.kind === 'type'
      ? (v > 0 ? '+' : '') + v + '%'
      : section('agent_group')[Number(input.dataset.index)].staffing.agents !== undefined
        ? agents(v) : v + '%';
  }
}

// The dotted-key overrides of the current setting (only what differs from the baseline).
function overrides() {
  const o = {};
  skillOverrides(o);
  const staffing = section('staffing') || {};
  const staff = Number($('staff').value);
  if (staff !== Number($('staff').dataset.base)) {
    if (typeof staffing.agents === 'number') o['staffing.agents'] = staff;
    else o['staffing.per_interval'] = info.agents_per_interval.map((a) => Math.round(a * staff / 100));
  }
  const volume = Number($('volume').value);
  if (volume !== 0) {
    const f = 1 + volume / 100;
    const arrivals = section('arrivals') || {};
    if (Array.isArray(arrivals.per_interval)) {
      o['arrivals.per_interval'] = arrivals.per_interval.map((x) => Math.round(x * f * 100) / 100);
    } else if (typeof arrivals.calls_per_hour === 'number') {
      o['arrivals.calls_per_hour'] = Math.round(arrivals.calls_per_hour * f * 100) / 100;
    }
  }
  const pat = $('patience');
  if (!pat.disabled && Number(pat.value) !== Number(pat.dataset.base)) o['patience.mean'] = Number(pat.value);
  const cov = $('coverage');
  if (!cov.disabled && cov.value !== cov.dataset.base) o['proactive.coverage'] = Number(cov.value) / 100;
  const cb = $('callback');
  if (cb.checked !== !!cb.dataset.base) {
    if (cb.checked) o['callback'] = { offer_when_wait_exceeds: '2m', accept_probability: 0.6 };
    else o['callback.accept_probability'] = 0;
  }
  return o;
}

// The current what-if in words: each control away from the baseline, with its value.
function setting() {
  const changed = [];
  for (const input of document.querySelectorAll('#controls input[type=range]')) {
    if (input.disabled || input.closest('[hidden]') || Number(input.value) === Number(input.dataset.base)) continue;
    const label = document.querySelector('label[for="' + input.id + '"] span').textContent;
    const what = input.dataset.kind === 'group' ? 'agents in group ' + label.replace(/ \(% of plan\)$/, '')
      : input.dataset.kind === 'type' ? label + ' calls' : label.toLowerCase();
    changed.push(what + ': ' + $(input.id + '-out').textContent);
  }
  const cb = $('callback');
  if (cb.checked !== !!cb.dataset.base) changed.push(cb.checked ? 'a callback offered' : 'no callback');
  return changed.length === 0 ? 'the baseline' : 'the what-if (' + changed.join('; ') + ')';
}

// ---- running ----------------------------------------------------------------------------

async function update() {
  showOutputs();
  const mine = ++seq;
  document.body.dataset.requested = String(mine);
  document.body.classList.add('busy');
  replayChanged();
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  setStatus('simulating…');
  const started = performance.now();
  try {
    const r = await fetch('/api/run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ overrides: overrides(), client, seq: mine }),
      signal: controller.signal,
    });
    const body = await r.json();
    if (mine !== seq) return; // a newer request was sent: this answer is stale
    if (r.status === 409) return;
    if (!r.ok) {
      document.body.classList.add('failed');
      setStatus(said(body, r.status), true);
      replayFailed('the what-if could not be simulated');
      return;
    }
    document.body.classList.remove('failed');
    shown = body;
    render(body);
    document.body.dataset.shown = String(mine);
    setStatus('simulated ' + body.replications + ' ' + runs() + ' in ' +
      Math.round(performance.now() - started) + ' ms');
    replayFollow(mine);
  } catch (e) {
    if (e.name !== 'AbortError' && mine === seq) setStatus(String(e), true);
  } finally {
    if (mine === seq) document.body.classList.remove('busy');
  }
}

// The words of an error answer: the server's message in the call center's words.
function said(body, status) {
  return (body && (body.message || body.error)) || ('the server answered ' + status);
}

// What one replication is, singular and plural: a day, a week (or a run of several days,
// `[time] days`), or a run of a call center in a steady state.
function runUnit() {
  if (info.baseline.kind === 'steady_state') return ['run', 'runs'];
  const d = info.baseline.days;
  if (d > 1) return d === 7 ? ['week', 'weeks'] : ['run of ' + d + ' days', 'runs of ' + d + ' days'];
  return ['day', 'days'];
}

function runs() {
  return runUnit()[1];
}

function setStatus(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', !!isError);
}

let shown = null; // the what-if answer shown

function rows(table, list, run) {
  const base = info.baseline.kpis;
  const diffs = Object.fromEntries(run.comparison.map((d) => [d.kpi, d]));
  const out = [];
  for (const [name, label, kind] of list) {
    if (!(name in base) && !(name in run.kpis)) continue;
    const b = base[name] || {};
    const w = run.kpis[name] || {};
    const d = diffs[name];
    let cls = '';
    if (d && d.difference !== null && d.difference_ci95 !== null && !NEUTRAL.has(name) &&
        Math.abs(d.difference) > d.difference_ci95) {
      const up = d.difference > 0;
      cls = up === UP_IS_BETTER.has(name) ? 'better' : 'worse';
    }
    const text = name === 'service_level' ? label + ' <span class="small">' + withinShort(run.day) + '</span>' : label;
    out.push('<tr data-kpi="' + name + '"><td>' + text + '</td>' +
      '<td>' + fmt(b.mean, kind) + '<span class="ci">' + fmtCi(b.ci95, kind) + '</span></td>' +
      '<td class="whatif">' + fmt(w.mean, kind) + '<span class="ci">' + fmtCi(w.ci95, kind) + '</span></td>' +
      '<td class="diff ' + cls + '">' + (d ? signed(d.difference, kind) + '<span class="ci">' +
        fmtCi(d.difference_ci95, kind) + '</span>' : '–') + '</td></tr>');
  }
  document.querySelector('#' + table + ' tbody').innerHTML = out.join('');
  return out.length;
}

// What the service level counts, short enough for the KPI table's first column.
function withinShort(day) {
  const m = /^answered within (\d[^ ]* s)$/.exec(day.answered_within);
  return m ? '(within ' + m[1] + ')' : "(each call type's own threshold)";
}

function render(run) {
  rows('kpi-table', KPIS, run);
  $('costs').hidden = !('total_cost' in run.kpis) || rows('cost-table', COST_PARTS, run) === 0;
  $('kpi-note').textContent = 'Means of ' + run.replications + ' simulated ' + runs() + ' (seed ' + run.seed +
    '), the same callers in both: the difference is paired ' + runUnit()[0] + ' by ' + runUnit()[0] + '. Green: better, red: worse (beyond its CI).';
  drawCharts();
}

// ---- the day's charts -------------------------------------------------------------------

// The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ x (2.5 only from 25 up: a whole number
// when x ≥ 1).
function niceStep(x) {
  if (!(x > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of p >= 10 ? [1, 2, 2.5, 5] : [1, 2, 5]) if (m * p >= x * (1 - 1e-9)) return m * p;
  return 10 * p;
}

// An axis from 0 holding `most` with a tenth to spare: at most 4 steps of a nice size.
function axis(most, least) {
  const top = Math.max(least, 1.1 * most);
  const stepSize = Math.max(least / 4, niceStep(top / 4));
  const steps = Math.max(1, Math.ceil(top / stepSize - 1e-9));
  return { max: steps * stepSize, step: stepSize };
}

// One scale for the baseline and the what-if: calls and agents per interval up to the
// larger of the two days (so that the two charts can be compared bar by bar).
function sharedScale(days) {
  const most = (key) => Math.max(0, ...days.flatMap((d) => d[key].filter(Number.isFinite)));
  const calls = axis(most('offered'), 1);
  const agents = axis(most('agents'), 1);
  agents.step = Math.max(1, agents.step);
  return { calls: calls.max, callStep: calls.step, agents: agents.max, agentStep: agents.step };
}

function esc(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

function number(x) {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

// The day of one run drawn into `figure` on `scale`: above, calls offered per interval
// (bars, left axis) and agents (step line, right axis); below, the service level and the
// share of callers who hang up, with their 95% bands, against the target.
function drawDay(figure, title, day, scale) {
  const W = figure.clientWidth;
  const H = figure.clientHeight;
  if (W < 50 || H < 50) return;
  const fs = Math.round(0.9 * parseFloat(getComputedStyle(document.documentElement).fontSize));
  const n = day.offered.length;
  const left = 3.4 * fs, right = 2.4 * fs;
  const titleH = 1.45 * fs, axisH = 1.2 * fs, xLabels = 1.45 * fs, gap = 0.9 * fs;
  const plotW = W - left - right;
  const panelH = Math.max(20, (H - titleH - axisH - gap - xLabels) / 2);
  const top1 = titleH + axisH, top2 = top1 + panelH + gap;
  const x = (i) => left + plotW * i / n;
  const out = [];
  const text = (tx, ty, s, anchor, extra) => out.push('<text x="' + tx.toFixed(1) + '" y="' + ty.toFixed(1) +
    '" font-size="' + fs + '" text-anchor="' + anchor + '"' + (extra || '') + '>' + esc(s) + '</text>');
  const line = (x1, y1, x2, y2, style) => out.push('<line x1="' + x1.toFixed(1) + '" y1="' + y1.toFixed(1) +
    '" x2="' + x2.toFixed(1) + '" y2="' + y2.toFixed(1) + '" ' + style + '/>');
  text(left + plotW / 2, 1.15 * fs, title, 'middle', ' font-weight="bold" font-size="' + Math.round(1.2 * fs) + '" class="title"');
  // top panel: calls and agents
  const yc = (v) => top1 + panelH * (1 - v / scale.calls);
  const ya = (v) => top1 + panelH * (1 - v / scale.agents);
  for (let v = 0; v <= scale.calls + 1e-9; v += scale.callStep) {
    line(left, yc(v), left + plotW, yc(v), 'stroke="#ddd" stroke-width="1"');
    text(left - 0.3 * fs, yc(v) + 0.35 * fs, number(v), 'end', ' fill="#1a6fa0" class="calls-tick"');
  }
  for (let v = 0; v <= scale.agents + 1e-9; v += scale.agentStep) {
    text(left + plotW + 0.3 * fs, ya(v) + 0.35 * fs, number(v), 'start', ' class="agents-tick"');
  }
  text(left - 0.3 * fs, titleH + 0.75 * fs, 'calls', 'end', ' fill="#1a6fa0" font-weight="bold"');
  text(left + plotW + 0.3 * fs, titleH + 0.75 * fs, 'agents', 'middle', ' font-weight="bold"');
  const bar = plotW / n;
  day.offered.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    out.push('<rect x="' + (x(i) + 0.12 * bar).toFixed(1) + '" y="' + yc(v).toFixed(1) + '" width="' +
      (0.76 * bar).toFixed(1) + '" height="' + (top1 + panelH - yc(v)).toFixed(1) + '" fill="#56B4E9"/>');
  });
  const step = day.agents.map((a, i) => x(i).toFixed(1) + ',' + ya(a).toFixed(1) + ' ' +
    x(i + 1).toFixed(1) + ',' + ya(a).toFixed(1)).join(' ');
  out.push('<polyline points="' + step + '" fill="none" stroke="#000" stroke-width="4"/>');
  line(left, top1 + panelH, left + plotW, top1 + panelH, 'stroke="#000" stroke-width="2"');
  // bottom panel: shares of offered calls
  const ys = (v) => top2 + panelH * (1 - v);
  for (const v of [0, 0.5, 1]) {
    line(left, ys(v), left + plotW, ys(v), 'stroke="#ddd" stroke-width="1"');
    text(left - 0.3 * fs, ys(v) + 0.35 * fs, Math.round(100 * v) + '%', 'end');
  }
  const centre = (i) => x(i + 0.5);
  const clamp = (v) => Math.max(0, Math.min(1, v));
  const series = (means, cis, colour) => {
    const pts = means.map((m, i) => [i, m, cis[i]]).filter(([, m]) => Number.isFinite(m));
    if (pts.length === 0) return;
    const upper = pts.map(([i, m, c]) => centre(i).toFixed(1) + ',' + ys(clamp(m + (c || 0))).toFixed(1));
    const lower = pts.map(([i, m, c]) => centre(i).toFixed(1) + ',' + ys(clamp(m - (c || 0))).toFixed(1)).reverse();
    out.push('<polygon points="' + upper.concat(lower).join(' ') + '" fill="' + colour + '" fill-opacity="0.2"/>');
    out.push('<polyline points="' + pts.map(([i, m]) => centre(i).toFixed(1) + ',' + ys(clamp(m)).toFixed(1)).join(' ') +
      '" fill="none" stroke="' + colour + '" stroke-width="4"/>');
  };
  if (Number.isFinite(day.target)) {
    line(left, ys(day.target), left + plotW, ys(day.target), 'stroke="#666" stroke-width="3" stroke-dasharray="10,7"');
  }
  series(day.abandon_rate, day.abandon_rate_ci95, '#D55E00');
  series(day.service_level, day.service_level_ci95, '#0072B2');
  line(left, top2 + panelH, left + plotW, top2 + panelH, 'stroke="#000" stroke-width="2"');
  // time of day: as many labels as fit, on whole hours where the intervals allow
  const fit = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / (3.8 * fs)))));
  if (day.labels) {
    // a run of several days, day by day: each day's number under its bar
    text(left - 0.3 * fs, top2 + panelH + 1.25 * fs, 'day', 'end');
    const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / (2 * fs)))));
    for (let i = 0; i < n; i += every) text(centre(i), top2 + panelH + 1.25 * fs, day.labels[i], 'middle');
  }
  const minutes = (t) => { const m = /^(\d+):(\d\d)$/.exec(t || ''); return m ? 60 * m[1] + Number(m[2]) : NaN; };
  const length = minutes(day.boundaries[1]) - minutes(day.boundaries[0]);
  let every = fit;
  while (length > 0 && every < n && (every * length) % 60 !== 0 && 60 % (every * length) !== 0) every++;
  for (let i = 0; i <= n; i += every) {
    if (!day.boundaries[i]) continue;
    text(x(i), top2 + panelH + 1.25 * fs, day.boundaries[i], 'middle');
    line(x(i), top2 + panelH, x(i), top2 + panelH + 0.25 * fs, 'stroke="#000" stroke-width="2"');
  }
  figure.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + W + ' ' + H + '" role="img"' +
    ' data-calls-max="' + scale.calls + '" data-agents-max="' + scale.agents + '" font-size="' + fs + '"' +
    ' font-family="DejaVu Sans, sans-serif" aria-label="' + esc(title + ': calls, agents and service per ' + (day.per || 'interval')) + '">' +
    out.join('') + '</svg>';
}

function drawCharts() {
  if (!info) return;
  const whatif = shown ? shown.day : info.day;
  const scale = sharedScale([info.day, whatif]);
  drawDay($('baseline-chart'), 'Baseline', info.day, scale);
  drawDay($('whatif-chart'), 'What-if', whatif, scale);
  const target = Number.isFinite(info.day.target) ? Math.round(100 * info.day.target) + '%' : '';
  $('legend').innerHTML = [
    ['bars', 'calls offered per ' + (whatif.per || 'interval') + ' (left)'],
    ['agents', whatif.per === 'day' ? 'agents, mean of the day (right)' : 'agents (right)'],
    ['sl', 'service level: ' + esc(whatif.answered_within)],
    ['target', 'target ' + target],
    ['ab', 'callers who hang up'],
  ].map(([c, t]) => '<span><i class="' + c + '"></i>' + t + '</span>').join(' ') +
    (info.baseline.kind === 'steady_state' ? ' <span>time: hours:minutes since the start of the run</span>' : '');
}

// ---- watch the day ----------------------------------------------------------------------

// The replay shows the trace of `replay.forSeq` (the what-if request it was loaded for);
// a change of the what-if marks it stale, and once the change is simulated its day is loaded
// and the replay carries on at the same time of day (playing if it was).
const replay = {
  header: null, events: [], next: 0, t: 0, playing: false, last: 0, forSeq: 0,
  started: false, loading: null,
  queue: new Map(), callbacks: new Set(), busy: 0, present: 0, flashes: [],
  counts: { arrived: 0, answered: 0, in_time: 0, abandoned: 0, blocked: 0, balked: 0, callback_requested: 0 },
};

function replayState(state, text, isError) {
  document.body.dataset.replay = state;
  if (state === 'stale') document.body.dataset.staleShown = String(Number(document.body.dataset.staleShown || 0) + 1);
  document.body.dataset.replayFor = String(replay.forSeq);
  const s = $('replay-status');
  s.textContent = text;
  s.classList.toggle('error', !!isError);
}

function resetReplay() {
  replay.next = 0; replay.t = 0; replay.queue.clear(); replay.callbacks.clear();
  replay.busy = 0; replay.present = 0; replay.flashes = [];
  for (const k of Object.keys(replay.counts)) replay.counts[k] = 0;
}

// The day of the current what-if (request `forSeq`), from the server; resolves to false when
// it could not be loaded (the reason shown), or when a newer load replaced this one.
async function loadDay(forSeq) {
  if (replay.loading) replay.loading.abort();
  const controller = new AbortController();
  replay.loading = controller;
  let r, text;
  try {
    r = await fetch('/api/trace', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ overrides: overrides() }),
      signal: controller.signal,
    });
    text = await r.text();
  } catch (e) {
    if (e.name !== 'AbortError') replayState('failed', 'The day cannot be loaded: ' + e, true);
    return false;
  }
  if (replay.loading !== controller) return false;
  replay.loading = null;
  if (!r.ok) {
    let body = null;
    try { body = JSON.parse(text); } catch (e) { /* not JSON */ }
    replay.playing = false;
    $('play').textContent = 'Watch the day';
    const why = said(body, r.status);
    replayState('failed', "This what-if's day cannot be watched: " + why.charAt(0).toLowerCase() + why.slice(1), true);
    return false;
  }
  const lines = text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const t = replay.t;
  replay.header = lines[0];
  replay.events = lines.slice(1);
  replay.forSeq = forSeq;
  document.body.dataset.replayAgents = JSON.stringify(replay.header.agents);
  resetReplay();
  // carry on at the same time of day: the new day's events up to then, at once
  while (replay.next < replay.events.length && replay.events[replay.next].t <= t) {
    apply(replay.events[replay.next++]);
  }
  replay.t = t;
  replay.flashes = [];
  return true;
}

function watching() {
  const week = info.baseline.days > 1 ? 'the first day of one simulated ' + runUnit()[0] : 'one simulated day';
  return 'Watching ' + week + ' of ' + setting() + '.';
}

async function play() {
  if (replay.playing) {
    replay.playing = false;
    $('play').textContent = 'Go on';
    replayState('paused', watching() + ' Paused.');
    return;
  }
  const requested = Number(document.body.dataset.shown || 0);
  const over = replay.started && replay.next >= replay.events.length;
  if (over && replay.forSeq === requested) resetReplay();
  if (!replay.started || replay.forSeq !== requested) {
    if (over) replay.t = 0;
    $('play').textContent = 'loading…';
    replayState('loading', 'Loading the day of ' + setting() + '…');
    if (!(await loadDay(requested))) return;
    replay.started = true;
  }
  replay.playing = true;
  replay.last = performance.now();
  $('play').textContent = 'Pause';
  replayState('playing', watching());
  requestAnimationFrame(step);
}

// The what-if changed: the day on show is no longer the what-if's.
function replayChanged() {
  if (!replay.started) return;
  replayState('stale', 'The what-if changed: the day shown is stale until the new one is simulated…');
}

// The what-if could not be simulated: the replay stays stale and says so.
function replayFailed(why) {
  if (!replay.started) return;
  replayState('stale', 'The day shown is stale: ' + why + '.', true);
}

// Request `forSeq` is shown: the replay loads its day and carries on where it was.
async function replayFollow(forSeq) {
  if (!replay.started || replay.forSeq === forSeq) return;
  const wasPlaying = replay.playing;
  replayState('loading', 'The what-if changed: the day shown is stale; loading the day of ' + setting() + '…');
  if (!(await loadDay(forSeq))) return;
  if (forSeq !== Number(document.body.dataset.shown)) return;
  draw();
  if (wasPlaying || replay.playing) {
    replayState('playing', watching());
  } else {
    replayState('paused', watching() + ' Paused.');
  }
}

function apply(e) {
  const c = replay.counts;
  switch (e.event) {
    case 'agents': replay.busy = e.busy; replay.present = e.present; break;
    case 'arrived': c.arrived++; break;
    case 'queued': replay.queue.set(e.call, e.t); break;
    case 'answered':
      replay.queue.delete(e.call); c.answered++;
      if (e.wait_s <= replay.header.service_level_threshold_s) c.in_time++;
      break;
    case 'abandoned': replay.queue.delete(e.call); c.abandoned++; replay.flashes.push(e.t); break;
    case 'blocked': c.blocked++; replay.flashes.push(e.t); break;
    case 'balked': c.balked++; replay.flashes.push(e.t); break;
    case 'callback_requested': c.callback_requested++; replay.callbacks.add(e.call); break;
    case 'called_back': replay.callbacks.delete(e.call); c.answered++; break;
    default: break;
  }
}

function step(now) {
  if (!replay.playing) return;
  const speed = Number($('speed').value) * 60; // simulated seconds per second
  replay.t += speed * Math.min(0.25, (now - replay.last) / 1000);
  replay.last = now;
  while (replay.next < replay.events.length && replay.events[replay.next].t <= replay.t) {
    apply(replay.events[replay.next++]);
  }
  draw();
  if (replay.next >= replay.events.length) {
    replay.playing = false;
    $('play').textContent = 'Watch again';
    replayState('done', watching() + ' The day is over.');
    return;
  }
  requestAnimationFrame(step);
}

function draw() {
  const cv = $('day');
  const g = cv.getContext('2d');
  const h = replay.header;
  g.fillStyle = '#fff'; g.fillRect(0, 0, cv.width, cv.height);
  g.fillStyle = '#000';
  g.font = 'bold 44px "DejaVu Sans", sans-serif';
  g.fillText(clock(h.open_s + replay.t), 20, 56);
  document.body.dataset.replayT = String(Math.round(replay.t));
  g.font = '26px "DejaVu Sans", sans-serif';
  const c = replay.counts;
  const lines = [
    'calls: ' + c.arrived,
    'answered: ' + c.answered,
    '  within ' + h.service_level_threshold_s + ' s: ' + c.in_time,
    'hung up: ' + c.abandoned,
  ];
  if (c.balked) lines.push('hung up at once: ' + c.balked);
  if (c.blocked) lines.push('busy signal: ' + c.blocked);
  if (c.callback_requested) lines.push('callbacks waiting: ' + replay.callbacks.size);
  lines.forEach((l, i) => g.fillText(l, 1220, 40 + 36 * i));
  // agents
  const width = 1160;
  g.font = '24px "DejaVu Sans", sans-serif';
  g.fillText('Agents: ' + replay.busy + ' on a call of ' + replay.present + ' at work', 20, 120);
  const size = Math.max(8, Math.min(40, Math.floor(width / Math.max(1, replay.present) - 6)));
  const perRow = Math.floor(width / (size + 6));
  for (let i = 0; i < replay.present; i++) {
    const x = 20 + (i % perRow) * (size + 6);
    const y = 135 + Math.floor(i / perRow) * (size + 6);
    g.fillStyle = i < replay.busy ? '#0072B2' : '#fff';
    g.fillRect(x, y, size, size);
    g.strokeStyle = '#000'; g.lineWidth = 2; g.strokeRect(x, y, size, size);
  }
  // callers on hold: darker the longer they wait
  g.fillStyle = '#000';
  g.fillText('On hold: ' + replay.queue.size, 20, 280);
  let i = 0;
  for (const since of replay.queue.values()) {
    if (i >= 88) { g.fillStyle = '#000'; g.fillText('+' + (replay.queue.size - i), 20 + 44 * 26, 360); break; }
    const waited = replay.t - since;
    g.fillStyle = waited > h.service_level_threshold_s ? '#D55E00' : '#E69F00';
    g.beginPath();
    g.arc(30 + (i % 44) * 26, 305 + Math.floor(i / 44) * 28, 10, 0, 2 * Math.PI);
    g.fill();
    i++;
  }
  // hang-ups of the last simulated minutes flash red
  replay.flashes = replay.flashes.filter((t) => replay.t - t < 120);
  g.fillStyle = '#000';
  g.fillText('Just hung up', 20, 410);
  replay.flashes.forEach((t, k) => {
    g.fillStyle = 'rgba(176,0,32,' + (1 - (replay.t - t) / 120).toFixed(2) + ')';
    g.beginPath();
    g.arc(200 + (k % 38) * 26, 402, 10, 0, 2 * Math.PI);
    g.fill();
  });
}

// ---- start --------------------------------------------------------------------------------

async function start() {
  const r = await fetch('/api/scenario');
  info = await r.json();
  setUp();
  drawCharts();
  for (const id of ['staff', 'volume', 'patience', 'coverage']) $(id).addEventListener('input', update);
  $('callback').addEventListener('change', update);
  $('reset').addEventListener('click', () => { setUp(); update(); });
  $('play').addEventListener('click', play);
  $('speed').addEventListener('input', () => { $('speed-out').textContent = $('speed').value + ' min per second'; });
  $('speed-out').textContent = $('speed').value + ' min per second';
  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(drawCharts);
  });
  if (runUnit()[0] !== 'day') {
    for (const th of document.querySelectorAll('.kpis thead th:first-child')) th.firstChild.textContent = 'Mean of a ' + runUnit()[0] + ' ';
    document.querySelector('#costs h2').textContent = 'Cost per ' + runUnit()[0] + ', part by part';
  }
  if (info.baseline.kind === 'steady_state') {
    $('play').disabled = true;
    replayState('none', 'This call center is simulated in a steady state, not a working day: there is no day to watch.');
  }
  const g = $('day').getContext('2d');
  g.font = '32px "DejaVu Sans", sans-serif';
  g.fillText('Press "Watch the day" to replay one simulated day of the what-if.', 40, 80);
  update();
}

start().catch((e) => setStatus(String(e), true));
