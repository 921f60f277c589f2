/* modgate admin page, "Modules" tab: what the registry holds. Loaded after admin.js, whose helpers
 * (api, el, $, utc, bytes, showMessage, emptyRow, selectTab, loadEvents, loadRadius) it uses;
 * the chart is uPlot (uPlot.iife.min.js, served from the npm package). */
/* global document, window, URLSearchParams, uPlot, api, el, $, utc, bytes, showMessage, emptyRow, selectTab, loadEvents, loadRadius */
'use strict';

const MODULES_PAGE_SIZE = 50;
const CHART_DAYS = 90;
let modulesNext = null;
let pullsChart = null;

async function searchModules(append) {
  const params = new URLSearchParams({ q: $('#modules-form').q.value.trim(), limit: String(MODULES_PAGE_SIZE) });
  if (append && modulesNext) params.set('after', modulesNext);
  const tbody = $('#modules tbody');
  try {
    const page = await api('GET', `/api/modules?${params}`);
    showMessage('');
    if (!append) tbody.replaceChildren();
    for (const m of page.modules) tbody.append(moduleRow(m));
    if (!tbody.children.length) emptyRow($('#modules'), 6, 'No module in the cache matches.');
    modulesNext = page.next;
    $('#modules-more').hidden = !modulesNext;
  } catch (err) {
    showMessage(err.message);
  }
}

function moduleRow(m) {
  const link = el('button', { type: 'button', class: 'link mono', onclick: () => openModule(m.modulePath) }, m.modulePath);
  return el('tr', {},
    el('td', {}, link), el('td', {}, m.source), el('td', { class: 'num' }, m.versions), el('td', { class: 'num' }, bytes(m.size)),
    el('td', { class: 'num' }, m.pulls), el('td', { class: 'mono' }, utc(m.lastPulledAt)),
  );
}

async function loadStorageTotals() {
  try {
    const usage = await api('GET', '/api/storage/usage?limit=1');
    $('#modules-storage').textContent = `Storage: ${usage.bySource.map((s) => `${s.source} ${bytes(s.bytes)} (${s.versions} versions)`).join(', ') || 'empty'}`;
  } catch {
    $('#modules-storage').textContent = '';
  }
}

function showModuleList() {
  $('#module-page').hidden = true;
  $('#modules-list').hidden = false;
}

async function openModule(path) {
  try {
    const m = await api('GET', `/api/modules/${encodeURI(path)}`);
    showMessage('');
    $('#modules-list').hidden = true;
    $('#module-page').hidden = false;
    $('#module-title').textContent = m.module;
    const held = m.versions.filter((v) => !v.evictedAt).length;
    $('#module-summary').textContent = `${m.source === 'private' ? 'Private origin' : 'Public upstream'}; ${held} of ${m.versions.length} versions held, ${bytes(m.size)} stored; ${m.pulls} zip downloads in all.`;
    drawPullsChart(m.pullsByDay);
    const versions = $('#module-versions tbody');
    versions.replaceChildren(...m.versions.map((v) => versionRow(m.module, v)));
    const tags = $('#module-tags tbody');
    tags.replaceChildren(...m.tagEvents.map((t) => el('tr', {},
      el('td', { class: 'mono' }, t.version), el('td', { class: 'mono' }, t.tag), el('td', { class: 'mono' }, t.servedCommit.slice(0, 12)),
      el('td', { class: 'mono' }, t.currentCommit ? t.currentCommit.slice(0, 12) : 'deleted'), el('td', { class: 'mono' }, utc(t.detectedAt)),
    )));
    if (!m.tagEvents.length) emptyRow($('#module-tags'), 5, 'No moved or deleted tags.');
  } catch (err) {
    showMessage(err.message);
  }
}

function versionRow(module, v) {
  const status = v.evictedAt ? `evicted ${utc(v.evictedAt)}` : v.blocked ? `blocked: ${v.blocked}` : 'held';
  return el('tr', {},
    el('td', { class: 'mono' }, v.version), el('td', {}, v.source), el('td', { class: 'num' }, bytes(v.size)),
    el('td', { class: 'mono', title: v.h1 || '' }, v.h1 ? `${v.h1.slice(0, 16)}...` : ''),
    el('td', { class: 'mono' }, utc(v.firstFetchedAt)), el('td', { class: 'mono' }, utc(v.lastPulledAt)), el('td', { class: 'num' }, v.pulls),
    el('td', { class: v.blocked ? 'blocked' : '' }, status),
    el('td', {},
      el('button', { type: 'button', class: 'link', onclick: () => whoPulled(module, v.version) }, 'Who pulled it?'), ' ',
      el('button', { type: 'button', class: 'link', onclick: () => auditOf(module, v.version) }, 'Audit events'),
    ),
  );
}

/** The blast radius of a version: the "Who pulled a version?" tab, filled in. */
function whoPulled(module, version) {
  const form = $('#radius-form');
  form.module.value = module;
  form.version.value = version;
  selectTab('radius');
  loadRadius(form);
}

/** The audit log filtered to this version. */
function auditOf(module, version) {
  const filters = $('#filters');
  for (const input of filters.querySelectorAll('input[name]')) input.value = '';
  filters.module.value = module;
  filters.version.value = version;
  selectTab('events');
  loadEvents(false);
}

/** Zip downloads and all requests per UTC day, zeros filled in, drawn by uPlot. */
function drawPullsChart(days) {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const xs = [];
  const pulls = [];
  const requests = [];
  for (let i = CHART_DAYS - 1; i >= 0; i--) {
    const t = today - i * 86400000;
    const d = byDay.get(new Date(t).toISOString().slice(0, 10));
    xs.push(t / 1000);
    pulls.push(d ? d.pulls : 0);
    requests.push(d ? d.requests : 0);
  }
  const box = $('#module-chart');
  if (pullsChart) pullsChart.destroy();
  box.replaceChildren();
  pullsChart = new uPlot(
    {
      width: Math.max(320, box.clientWidth || 800),
      height: 220,
      scales: { x: { time: true } },
      series: [{}, { label: 'zip downloads', stroke: '#1f5fbf', width: 2 }, { label: 'requests', stroke: '#9a5b00', width: 1 }],
    },
    [xs, pulls, requests],
    box,
  );
}

function initModules() {
  $('#modules-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    showModuleList();
    searchModules(false);
  });
  $('#modules-more').addEventListener('click', () => searchModules(true));
  $('#module-back').addEventListener('click', showModuleList);
  document.querySelector('.tabs button[data-tab="modules"]').addEventListener('click', () => {
    showModuleList();
    searchModules(false);
    loadStorageTotals();
  });
  window.addEventListener('resize', () => {
    if (pullsChart && !$('#module-page').hidden) pullsChart.setSize({ width: Math.max(320, $('#module-chart').clientWidth), height: 220 });
  });
}

initModules();
