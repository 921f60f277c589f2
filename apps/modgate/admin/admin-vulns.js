/* modgate admin page, Vulnerabilities tab: open advisories of the imported Go vulnerability
 * database that affect modules pulled recently, and who pulled them. Self-contained: it reads the
 * session admin.js keeps and fills only its own section. */
/* global document, sessionStorage, fetch, URLSearchParams */
'use strict';

(() => {
  const $ = (selector) => document.querySelector(selector);

  async function get(path) {
    let session;
    try {
      session = JSON.parse(sessionStorage.getItem('modgate.session') || 'null');
    } catch {
      session = null;
    }
    const headers = { accept: 'application/json' };
    if (session) headers.authorization = `Bearer ${session.token}`;
    const response = await fetch(path, { headers, cache: 'no-store' });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error((data && data.error && data.error.message) || response.statusText);
    return data;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'class') node.className = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children) node.append(child && child.nodeType ? child : document.createTextNode(child === null || child === undefined ? '' : String(child)));
    return node;
  }

  const utc = (iso) => (iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '');
  const ids = (a) => (a.aliases.length ? `${a.id} (${a.aliases.join(', ')})` : a.id);

  function say(text) {
    $('#vulns-message').textContent = text || '';
  }

  async function loadStatus() {
    const status = await get('/api/vulnerabilities');
    const last = status.lastImport ? `last import ${utc(status.lastImport.importedAt)} from ${status.lastImport.source}` : 'never imported';
    $('#vulns-status').textContent = `${status.entries} advisories imported, ${status.inForce} in force; ${last}.`;
  }

  async function loadOpen() {
    say('');
    const days = Number($('#vulns-days').value) || 30;
    const body = $('#vulns-open tbody');
    body.replaceChildren();
    try {
      await loadStatus();
      const { advisories } = await get(`/api/vulnerabilities/open?${new URLSearchParams({ days: String(days) })}`);
      if (advisories.length === 0) body.append(el('tr', {}, el('td', { class: 'empty', colspan: 6 }, `No advisory affects a module version pulled in the last ${days} days.`)));
      for (const a of advisories) {
        const modules = el('ul', { class: 'plain' }, ...a.modules.map((m) => el('li', {}, `${m.module} ${m.versions.join(', ')}`)));
        const show = el('button', { type: 'button', class: 'link', 'data-advisory': a.id }, 'Who pulled it?');
        show.addEventListener('click', () => loadExposure(a.id));
        body.append(
          el('tr', {}, el('td', {}, ids(a)), el('td', {}, a.summary), el('td', {}, utc(a.published)), el('td', {}, modules), el('td', { class: 'num' }, a.modules.reduce((n, m) => n + m.pulls, 0)), el('td', {}, show)),
        );
      }
    } catch (err) {
      say(err.message);
    }
  }

  async function loadExposure(id) {
    say('');
    const body = $('#vulns-exposure tbody');
    body.replaceChildren();
    try {
      const report = await get(`/api/vulnerabilities/${encodeURIComponent(id)}/exposure`);
      $('#vulns-exposure-title').textContent = `Who pulled a version affected by ${ids(report.advisory)} (published ${utc(report.advisory.published) || 'unknown'})`;
      $('#vulns-exposure').hidden = false;
      for (const e of report.exposures) {
        body.append(
          el(
            'tr',
            {},
            el('td', {}, e.principal.name || e.principal.kind),
            el('td', {}, `${e.module}@${e.version}`),
            el('td', {}, e.artifacts.join(', ')),
            el('td', { class: 'num' }, e.pulls),
            el('td', {}, e.ip || ''),
            el('td', {}, utc(e.first)),
            el('td', {}, utc(e.last)),
            el('td', {}, e.beforePublication ? 'yes' : 'no'),
          ),
        );
      }
      if (report.exposures.length === 0) body.append(el('tr', {}, el('td', { class: 'empty', colspan: 8 }, 'Nobody pulled an affected version.')));
    } catch (err) {
      say(err.message);
    }
  }

  $('[data-tab=vulns]').addEventListener('click', loadOpen);
  $('#vulns-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadOpen();
  });
})();
