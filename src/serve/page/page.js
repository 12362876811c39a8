// The live what-if page of `callsim serve`. Every control change sends the what-if to
// POST /api/run with a sequence number; an older request still running is aborted here and
// stopped by the server, and an answer that is not the latest request's is never shown.
'use strict';

const $ = (id) => document.getElementById(id);
const client = Math.random().toString(36).slice(2) + Date.now().toString(36);
let info = null; // GET /api/scenario
let seq = 0; // number of the latest request sent
let inFlight = null; // AbortController of the request in flight

// KPIs shown, in order: [name, label, kind, sub-row]; kind fixes the format, and whether
// up is better.
const KPIS = [
  ['service_level', 'Service level', 'share', false],
  ['asa_s', 'Average speed of answer', 'seconds', false],
  ['abandon_rate', 'Hang-ups (abandon rate)', 'share', false],
  ['lost_customers', 'Lost customers', 'count', false],
  ['occupancy', 'Occupancy', 'share', false],
  ['total_cost', 'Total cost per day', 'money', false],
  ['cost_agents', 'agents', 'money', true],
  ['cost_telephony', 'telephony', 'money', true],
  ['cost_proactive', 'proactive contact', 'money', true],
  ['cost_lost_customers', 'lost customers', 'money', true],
];
const UP_IS_BETTER = new Set(['service_level']);
const NEUTRAL = new Set(['occupancy']);

function fmt(x, kind) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  switch (kind) {
    case 'share': return (100 * x).toFixed(1) + '%';
    case 'seconds': return x.toFixed(1) + ' s';
    case 'money': return Math.round(x).toLocaleString('en-US');
    default: return x.toFixed(1);
  }
}

function fmtCi(ci, kind) {
  if (ci === null || ci === undefined || !Number.isFinite(ci)) return '';
  if (kind === 'share') return ' ± ' + (100 * ci).toFixed(1);
  if (kind === 'money') return ' ± ' + Math.round(ci).toLocaleString('en-US');
  return ' ± ' + ci.toFixed(1);
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
    const div = document.createElement('div');
    div.className = 'control';
    const id = kind + '-' + i;
    div.innerHTML = '<label></label><input type="range"><output></output>';
    const [l, input, out] = div.children;
    l.htmlFor = id; l.textContent = label;
    Object.assign(input, { id, min, max, step, value });
    input.dataset.kind = kind; input.dataset.index = i; input.dataset.base = value;
    out.htmlFor = id; out.id = id + '-out';
    input.addEventListener('input', update);
    box.append(div);
  };
  groups.forEach((g, i) => {
    const agents = g.staffing && g.staffing.agents;
    if (typeof agents === 'number') {
      add('group', i, 'Agents: ' + g.name, 0, Math.max(2 * agents, agents + 10), 1, agents);
    } else {
      add('group', i, 'Staffing: ' + g.name + ' (% of the plan)', 50, 150, 5, 100);
    }
  });
  types.forEach((t, i) => add('type', i, 'Calls: ' + t.name, -50, 50, 5, 0));
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
    $('staff-label').textContent = 'Staffing (% of the plan, every interval)';
  }
  staff.disabled = false;
  $('volume').disabled = false;
  const patience = section('patience');
  const pat = $('patience');
  if (patience && patience.mean !== undefined && info.patience_mean_s) {
    const m = info.patience_mean_s;
    pat.min = Math.max(5, Math.round(m / 4 / 5) * 5);
    pat.max = Math.round(m * 3 / 5) * 5;
    pat.step = 5;
    pat.value = m;
    pat.dataset.base = m;
    pat.disabled = false;
  } else {
    $('patience-note').textContent = 'nobody hangs up in this scenario';
  }
  const proactive = section('proactive');
  const cov = $('coverage');
  if (proactive && typeof proactive.coverage === 'number') {
    cov.value = Math.round(100 * proactive.coverage);
    cov.dataset.base = cov.value;
    cov.disabled = false;
    $('coverage-note').textContent = 'share of the predictable customers contacted first (' +
      (proactive.channel || 'message') + ')';
  } else {
    $('coverage-note').textContent = 'this scenario has no [proactive] section';
  }
  const cb = $('callback');
  cb.checked = !!section('callback');
  cb.dataset.base = cb.checked ? '1' : '';
  cb.disabled = false;
  $('callback-note').textContent = cb.checked
    ? 'as in the scenario file'
    : 'when checked: offered when the expected wait exceeds 2 min, 60% accept';
  showOutputs();
}

function showOutputs() {
  const staff = $('staff');
  $('staff-out').textContent = typeof (section('staffing') || {}).agents === 'number'
    ? staff.value + (staff.value === '1' ? ' agent' : ' agents') : staff.value + '%';
  const v = Number($('volume').value);
  $('volume-out').textContent = (v > 0 ? '+' : '') + v + '%';
  $('patience-out').textContent = $('patience').disabled ? '–' : minutes(Number($('patience').value));
  $('coverage-out').textContent = $('coverage').disabled ? '–' : $('coverage').value + '%';
  for (const input of document.querySelectorAll('#skill-controls input')) {
    const v = Number(input.value);
    $(input.id + '-out').textContent = input.dataset.kind === 'type'
      ? (v > 0 ? '+' : '') + v + '%'
      : section('agent_group')[Number(input.dataset.index)].staffing.agents !== undefined
        ? v + (v === 1 ? ' agent' : ' agents') : v + '%';
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

// ---- running ----------------------------------------------------------------------------

async function update() {
  showOutputs();
  replay.stale = true;
  const mine = ++seq;
  document.body.dataset.requested = String(mine);
  document.body.classList.add('busy');
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  setStatus('simulating…');
  const started = performance.now();
  try {
    const r = await fetch('/api/run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ overrides: overrides(), client, seq: mine, charts: true }),
      signal: controller.signal,
    });
    const body = await r.json();
    if (mine !== seq) return; // a newer request was sent: this answer is stale
    if (r.status === 409) return;
    if (!r.ok) { setStatus(body.error || ('HTTP ' + r.status), true); return; }
    render(body);
    document.body.dataset.shown = String(mine);
    setStatus('simulated ' + body.replications + ' days in ' +
      Math.round(performance.now() - started) + ' ms');
  } catch (e) {
    if (e.name !== 'AbortError' && mine === seq) setStatus(String(e), true);
  } finally {
    if (mine === seq) document.body.classList.remove('busy');
  }
}

function setStatus(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', !!isError);
}

function render(run) {
  const base = info.baseline.kpis;
  const diffs = Object.fromEntries(run.comparison.map((d) => [d.kpi, d]));
  const rows = [];
  for (const [name, label, kind, sub] of KPIS) {
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
    rows.push('<tr data-kpi="' + name + '"><td' + (sub ? ' class="sub"' : '') + '>' + label + '</td>' +
      '<td>' + fmt(b.mean, kind) + '<span class="ci">' + fmtCi(b.ci95, kind) + '</span></td>' +
      '<td class="whatif">' + fmt(w.mean, kind) + '<span class="ci">' + fmtCi(w.ci95, kind) + '</span></td>' +
      '<td class="diff ' + cls + '">' + (d ? signed(d.difference, kind) + '<span class="ci">' +
        fmtCi(d.difference_ci95, kind) + '</span>' : '–') + '</td></tr>');
  }
  document.querySelector('#kpi-table tbody').innerHTML = rows.join('');
  $('kpi-note').textContent = 'Means over ' + run.replications + ' simulated days (seed ' + run.seed +
    '); the same callers in both, so the difference is paired day by day. Service level: answered within ' +
    run.service_level_threshold_s + ' s ÷ offered.';
  if (run.charts) {
    $('day-profile').innerHTML = run.charts.day_profile;
    $('cost-breakdown').innerHTML = run.charts.cost_breakdown ||
      '<p class="note">This scenario has no [costs] section: no cost breakdown.</p>';
  }
}

// ---- watch the day ----------------------------------------------------------------------

const replay = {
  stale: true, header: null, events: [], next: 0, t: 0, playing: false, last: 0,
  queue: new Map(), callbacks: new Set(), busy: 0, present: 0, flashes: [],
  counts: { arrived: 0, answered: 0, in_time: 0, abandoned: 0, blocked: 0, balked: 0, callback_requested: 0 },
};

function resetReplay() {
  replay.next = 0; replay.t = 0; replay.queue.clear(); replay.callbacks.clear();
  replay.busy = 0; replay.present = 0; replay.flashes = [];
  for (const k of Object.keys(replay.counts)) replay.counts[k] = 0;
}

async function play() {
  if (replay.playing) { replay.playing = false; $('play').textContent = 'Go on'; return; }
  if (replay.stale || replay.next >= replay.events.length) {
    $('play').textContent = 'loading…';
    const r = await fetch('/api/trace', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ overrides: overrides() }),
    });
    const text = await r.text();
    if (!r.ok) { $('play').textContent = 'Watch the day'; setStatus(JSON.parse(text).error, true); return; }
    const lines = text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
    replay.header = lines[0];
    replay.events = lines.slice(1);
    replay.stale = false;
    resetReplay();
  }
  replay.playing = true;
  replay.last = performance.now();
  $('play').textContent = 'Pause';
  requestAnimationFrame(step);
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
  for (const id of ['staff', 'volume', 'patience', 'coverage']) $(id).addEventListener('input', update);
  $('callback').addEventListener('change', update);
  $('reset').addEventListener('click', () => { setUp(); $('volume').value = 0; update(); });
  $('play').addEventListener('click', play);
  $('speed').addEventListener('input', () => { $('speed-out').textContent = $('speed').value + ' min per second'; });
  $('speed-out').textContent = $('speed').value + ' min per second';
  $('baseline-profile').innerHTML = info.charts.day_profile;
  const g = $('day').getContext('2d');
  g.font = '32px "DejaVu Sans", sans-serif';
  g.fillText('Press "Watch the day" to replay one simulated day of the what-if.', 40, 80);
  update();
}

start().catch((e) => setStatus(String(e), true));
