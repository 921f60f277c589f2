/* modgate admin page: plain JavaScript, no build step, no external assets. Every call goes to the
 * admin API with the signed-in admin's Bearer token, kept in sessionStorage (gone with the tab). */
/* global document, window, sessionStorage, fetch, btoa, Blob, URL, URLSearchParams, location, confirm, TextEncoder */
'use strict';

const SESSION_KEY = 'modgate.session';
const PAGE_SIZE = 100;
const $ = (selector) => document.querySelector(selector);

let session = readSession();
let nextCursor = null;
let shown = 0;

// --- API -------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, { body, auth } = {}) {
  const headers = { accept: 'application/json' };
  const authorization = auth ?? (session ? `Bearer ${session.token}` : undefined);
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.error && data.error.message) || text.replace(/^modgate: /, '').trim() || response.statusText;
    if (response.status === 401 && session && !auth) signOut('Your session has ended; sign in again.');
    throw new ApiError(response.status, message);
  }
  return data;
}

// --- session ---------------------------------------------------------------------------------

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  } catch {
    return null;
  }
}

function basic(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

async function signIn(user, secret) {
  const credentials = user ? basic(user, secret) : `Bearer ${secret}`;
  const me = await api('GET', '/api/whoami', { auth: credentials });
  if (!me.admin) throw new ApiError(403, `${me.name} is not an admin: this page is for admins only`);
  let token = secret;
  let tokenId = null;
  if (user) {
    // A short-lived token for this tab, made with the password once; the password is not kept.
    const suffix = Math.random().toString(36).slice(2, 10);
    const created = await api('POST', '/api/tokens', { auth: credentials, body: { name: `admin-page-${suffix}`, scopes: ['read', 'admin'], expiresInDays: 0.5 } });
    token = created.token;
    tokenId = created.id;
  }
  session = { token, tokenId, name: me.kind === 'token' ? `token ${me.name}` : me.name };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function signOut(message) {
  const ending = session;
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  if (ending && ending.tokenId) {
    fetch(`/api/tokens/${ending.tokenId}`, { method: 'DELETE', headers: { authorization: `Bearer ${ending.token}` } }).catch(() => undefined);
  }
  render();
  $('#login-error').textContent = message || '';
}

// --- rendering helpers -----------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) node.append(child instanceof window.Node ? child : document.createTextNode(child === null || child === undefined ? '' : String(child)));
  return node;
}

const utc = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, '') : '');
const bytes = (n) => (n === null || n === undefined ? '' : n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);
const principalOf = (e) => (!e.principalName ? e.principalKind : e.principalKind === 'token' ? `${e.principalName} (token)` : e.principalName);
const statusBadge = (s) => (s === null || s === undefined ? '' : el('span', { class: `status s${String(s)[0]}` }, s));

function showMessage(text) {
  $('#message').textContent = text || '';
}

function emptyRow(table, columns, text) {
  table.querySelector('tbody').append(el('tr', {}, el('td', { class: 'empty', colspan: columns }, text)));
}

// --- audit log -------------------------------------------------------------------------------

function filterParams() {
  const params = new URLSearchParams();
  for (const input of $('#filters').querySelectorAll('input[name]')) {
    const value = input.value.trim();
    if (value) params.set(input.name, value);
  }
  return params;
}

async function loadEvents(append) {
  const params = filterParams();
  params.set('limit', String(PAGE_SIZE));
  if (append && nextCursor) params.set('after', nextCursor);
  const tbody = $('#events tbody');
  try {
    const page = await api('GET', `/api/audit/events?${params}`);
    showMessage('');
    if (!append) {
      tbody.replaceChildren();
      shown = 0;
    }
    for (const event of page.events) tbody.append(eventRow(event));
    shown += page.events.length;
    if (shown === 0) emptyRow($('#events'), 10, 'No events match these filters.');
    nextCursor = page.next;
    $('#more').hidden = !nextCursor;
    $('#events-count').textContent = `${shown} event${shown === 1 ? '' : 's'} shown${nextCursor ? ', more available' : ''}`;
  } catch (err) {
    showMessage(err.message);
  }
}

function eventRow(e) {
  const row = el(
    'tr',
    { class: 'clickable', tabindex: 0, title: 'Show all fields' },
    el('td', { class: 'mono' }, utc(e.time)),
    el('td', {}, principalOf(e)),
    el('td', { class: 'mono' }, e.action),
    el('td', { class: 'mono' }, e.module || ''),
    el('td', { class: 'mono' }, e.version || ''),
    el('td', {}, statusBadge(e.status)),
    el('td', { class: 'num' }, bytes(e.bytes)),
    el('td', {}, e.cacheHit === null ? '' : e.cacheHit ? 'hit' : 'origin'),
    el('td', { class: 'mono' }, e.ip || ''),
    el('td', { class: 'num' }, e.durationMs === null ? '' : e.durationMs),
  );
  row.addEventListener('click', () => showDetail(e));
  row.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') showDetail(e);
  });
  return row;
}

function showDetail(e) {
  $('#detail-title').textContent = `#${e.seq}`;
  const fields = [
    ['Time (UTC)', e.time], ['Action', e.action], ['Principal', principalOf(e)], ['Kind', e.principalKind], ['Groups', e.groups.join(', ')],
    ['Module', e.module], ['Version', e.version], ['Artifact', e.artifact], ['Status', e.status], ['Reason', e.reason],
    ['Bytes', e.bytes], ['Cache', e.cacheHit === null ? '' : e.cacheHit ? 'hit (served from modgate)' : 'fetched from the origin'],
    ['Duration (ms)', e.durationMs], ['Client IP', e.ip], ['User agent', e.userAgent], ['Request id', e.requestId],
    ['Detail', e.detail ? JSON.stringify(e.detail, null, 1) : ''], ['Seq / id', `${e.seq} / ${e.id}`], ['Hash', e.hash], ['Previous hash', e.prevHash],
  ];
  const list = $('#detail-fields');
  list.replaceChildren();
  for (const [name, value] of fields) list.append(el('dt', {}, name), el('dd', { class: 'mono' }, value === null || value === undefined ? '' : value));
  $('#detail').showModal();
}

async function exportEvents(format) {
  const params = filterParams();
  params.set('format', format);
  showMessage('');
  try {
    const response = await fetch(`/api/audit/export?${params}`, { headers: { authorization: `Bearer ${session.token}` }, cache: 'no-store' });
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        message = JSON.parse(text).error.message;
      } catch {
        message = text.trim();
      }
      throw new ApiError(response.status, message);
    }
    const blob = await response.blob();
    const name = (/filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '') || [])[1] || `modgate-audit.${format}`;
    const link = el('a', { href: URL.createObjectURL(new Blob([blob], { type: blob.type })), download: name });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (err) {
    showMessage(`Export failed: ${err.message}`);
  }
}

// --- blast radius, summary, tokens, verify -----------------------------------------------------

async function loadRadius(form) {
  const params = new URLSearchParams({ module: form.module.value.trim(), version: form.version.value.trim() });
  const tbody = $('#radius tbody');
  try {
    const result = await api('GET', `/api/audit/blast-radius?${params}`);
    showMessage('');
    tbody.replaceChildren();
    const withCode = result.principals.filter((p) => p.artifacts.includes('zip')).length;
    $('#radius-summary').textContent = `${result.principals.length} principal(s) asked for ${result.module}@${result.version}; ${withCode} downloaded its code (.zip).`;
    for (const p of result.principals) {
      tbody.append(
        el('tr', {},
          el('td', {}, p.name || p.kind), el('td', {}, p.kind), el('td', { class: 'wrap' }, p.groups.join(', ')),
          el('td', { class: 'mono' }, p.artifacts.join(', ')), el('td', { class: 'num' }, p.pulls), el('td', { class: 'num' }, p.refused),
          el('td', { class: 'mono wrap' }, p.ips.join(', ')), el('td', { class: 'mono' }, utc(p.first)), el('td', { class: 'mono' }, utc(p.last)),
        ),
      );
    }
    if (result.principals.length === 0) emptyRow($('#radius'), 9, 'Nobody asked for this version.');
  } catch (err) {
    showMessage(err.message);
  }
}

async function loadSummary(form) {
  const params = new URLSearchParams();
  if (form.from.value.trim()) params.set('from', form.from.value.trim());
  if (form.to.value.trim()) params.set('to', form.to.value.trim());
  try {
    const s = await api('GET', `/api/audit/summary?${params}`);
    showMessage('');
    $('#summary-totals').textContent = `${utc(s.from)} to ${utc(s.to)} UTC: ${s.requests} GOPROXY requests, ${s.downloads} zip downloads, ${s.denied} denied, ${s.errors} errors, ${bytes(s.bytes)} sent.`;
    const modules = $('#top-modules tbody');
    modules.replaceChildren(...s.topModules.map((m) => el('tr', {}, el('td', { class: 'mono' }, m.module), el('td', { class: 'num' }, m.requests), el('td', { class: 'num' }, m.downloads), el('td', { class: 'num' }, m.denied), el('td', { class: 'num' }, m.principals))));
    const principals = $('#top-principals tbody');
    principals.replaceChildren(...s.topPrincipals.map((p) => el('tr', {}, el('td', {}, p.name || p.kind), el('td', {}, p.kind), el('td', { class: 'num' }, p.requests), el('td', { class: 'num' }, p.downloads), el('td', { class: 'num' }, p.denied), el('td', { class: 'num' }, bytes(p.bytes)))));
  } catch (err) {
    showMessage(err.message);
  }
}

async function loadTokens() {
  const params = new URLSearchParams({ all: 'true' });
  if ($('#tokens-revoked').checked) params.set('includeRevoked', 'true');
  const tbody = $('#tokens tbody');
  try {
    const tokens = await api('GET', `/api/tokens?${params}`);
    showMessage('');
    tbody.replaceChildren();
    for (const t of tokens) {
      const revoke = t.revokedAt
        ? ''
        : el('button', { type: 'button', class: 'danger', onclick: () => revokeToken(t) }, 'Revoke');
      tbody.append(
        el('tr', {},
          el('td', { class: 'mono' }, t.name), el('td', {}, t.owner), el('td', {}, t.scopes.join(', ')), el('td', { class: 'mono wrap' }, t.modules.join(', ')),
          el('td', { class: 'mono' }, utc(t.createdAt)), el('td', { class: 'mono' }, utc(t.expiresAt)), el('td', { class: 'mono' }, utc(t.revokedAt)), el('td', {}, revoke),
        ),
      );
    }
    if (tokens.length === 0) emptyRow($('#tokens'), 8, 'No tokens.');
  } catch (err) {
    showMessage(err.message);
  }
}

async function revokeToken(t) {
  if (!confirm(`Revoke token ${t.name} of ${t.owner}? Anything using it stops working at once.`)) return;
  try {
    await api('DELETE', `/api/tokens/${t.id}`);
    await loadTokens();
  } catch (err) {
    showMessage(err.message);
  }
}

async function verifyChain() {
  const out = $('#verify-result');
  out.className = 'result';
  out.textContent = 'Verifying...';
  try {
    const r = await api('POST', '/api/audit/verify');
    out.className = `result ${r.ok ? 'ok' : 'bad'}`;
    out.textContent = r.ok
      ? `Intact: ${r.checked} events checked (seq ${r.fromSeq + 1} to ${r.headSeq}) in ${r.durationMs} ms.\nHead hash: ${r.headHash}`
      : `BROKEN at seq ${r.broken.seq}${r.broken.id === null ? '' : ` (row id ${r.broken.id})`}: ${r.broken.reason}\n${r.checked} events checked before it.`;
  } catch (err) {
    out.textContent = `Verification failed: ${err.message}`;
  }
}

// --- wiring ----------------------------------------------------------------------------------

function selectTab(name) {
  for (const tab of document.querySelectorAll('.tabs button')) tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
  for (const section of document.querySelectorAll('.tab')) section.hidden = section.id !== `tab-${name}`;
  showMessage('');
  if (name === 'tokens') loadTokens();
  if (name === 'summary') loadSummary($('#summary-form'));
}

function render() {
  $('#login').hidden = Boolean(session);
  $('#app').hidden = !session;
  $('#who').hidden = !session;
  if (session) {
    $('#who-name').textContent = session.name;
    loadEvents(false);
  } else {
    $('#login-password').value = '';
    $('#login-user').focus();
  }
}

function init() {
  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#login-error').textContent = '';
    const button = ev.submitter;
    if (button) button.disabled = true;
    try {
      await signIn($('#login-user').value.trim(), $('#login-password').value);
      render();
    } catch (err) {
      $('#login-error').textContent = err.status === 401 ? 'Wrong user name, password or token.' : err.message;
    } finally {
      if (button) button.disabled = false;
    }
  });
  $('#sign-out').addEventListener('click', () => signOut());
  $('#filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const params = filterParams();
    window.history.replaceState(null, '', params.toString() ? `#${params}` : location.pathname);
    loadEvents(false);
  });
  $('#clear-filters').addEventListener('click', () => {
    for (const input of $('#filters').querySelectorAll('input[name]')) input.value = '';
    window.history.replaceState(null, '', location.pathname);
    loadEvents(false);
  });
  $('#more').addEventListener('click', () => loadEvents(true));
  for (const button of document.querySelectorAll('[data-export]')) button.addEventListener('click', () => exportEvents(button.dataset.export));
  for (const tab of document.querySelectorAll('.tabs button')) tab.addEventListener('click', () => selectTab(tab.dataset.tab));
  $('#radius-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadRadius(ev.target);
  });
  $('#summary-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadSummary(ev.target);
  });
  $('#tokens-revoked').addEventListener('change', loadTokens);
  $('#verify').addEventListener('click', verifyChain);
  // Filters in the URL fragment survive a reload and can be shared (the token cannot).
  const fromHash = new URLSearchParams(location.hash.slice(1));
  for (const input of $('#filters').querySelectorAll('input[name]')) input.value = fromHash.get(input.name) || '';
  render();
}

init();
