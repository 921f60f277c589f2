import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ApiClient } from './api-client.js';
import { CliError, UsageError } from './api-client.js';
import { parseFlags } from './cli-flags.js';
import { ProgressBar } from './progress-bar.js';
import { auditExposure } from './vuln.command.js';

/** The filters every audit subcommand accepts; they are the admin API's query parameters. */
export const FILTER_FLAGS = ['principal', 'group', 'module', 'version', 'action', 'status', 'from', 'to', 'ip'] as const;

export const AUDIT_USAGE = `usage:
  modgate audit query [filters] [--limit N | --all] [--json]   events, newest first
  modgate audit export [filters] [--format csv|ndjson] [--out FILE] [--order asc|desc]
  modgate audit verify                                          check the hash chain; exit 1 if broken
  modgate audit who-pulled <module>@<version>                   the blast radius of a bad release
  modgate audit exposure <GO-id>                                who pulled a version a vulnerability affects
  modgate audit summary [--from T] [--to T]                     top modules and principals

filters: --principal NAME --group NAME --module PREFIX --version V --action goproxy.zip|goproxy|auth...
         --status 403|4xx --from T --to T --ip IP|CIDR   (T: 2024-05-01, 2024-05-01T10:00:00Z, -24h, -7d)`;

interface AuditEventView {
  time: string;
  action: string;
  principalKind: string;
  principalName: string | null;
  module: string | null;
  version: string | null;
  status: number | null;
  bytes: number | null;
  ip: string | null;
  reason: string | null;
}

/** Where a subcommand writes (tests pass their own streams). */
export interface CliOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** `modgate audit <query|export|verify|who-pulled|summary> ...` */
export async function auditCommand(api: ApiClient, args: string[], io: CliOutput = STD): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'query':
      return auditQuery(api, rest, io);
    case 'export':
      return auditExport(api, rest, io);
    case 'verify':
      return auditVerify(api, rest, io);
    case 'who-pulled':
      return auditWhoPulled(api, rest, io);
    case 'summary':
      return auditSummary(api, rest, io);
    case 'exposure':
      return auditExposure(api, rest, io);
    case undefined:
    case 'help':
    case '--help':
      io.stdout.write(`${AUDIT_USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown audit command ${JSON.stringify(sub)}`);
  }
}

function filterParams(flags: Map<string, string>): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_FLAGS) {
    const value = flags.get(name);
    if (value !== undefined) params.set(name, value);
  }
  return params;
}

async function auditQuery(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  const { flags, positional } = parseFlags(args, [...FILTER_FLAGS, 'limit'], ['all', 'json']);
  if (positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
  const all = flags.has('all');
  const wanted = all ? Infinity : Number(flags.get('limit') ?? 50);
  if (!Number.isInteger(wanted) && wanted !== Infinity) throw new CliError('--limit must be a whole number');
  const json = flags.has('json');
  const params = filterParams(flags);
  let shown = 0;
  let after: string | null = null;
  if (!json) io.stdout.write(`${['TIME (UTC)', 'ACTION', 'PRINCIPAL', 'STATUS', 'MODULE@VERSION', 'IP', 'REASON'].join('\t')}\n`);
  do {
    params.set('limit', String(Math.min(1000, wanted - shown)));
    if (after) params.set('after', after);
    const page: { events: AuditEventView[]; next: string | null } = await api.request('GET', `/api/audit/events?${params}`);
    for (const e of page.events) io.stdout.write(json ? `${JSON.stringify(e)}\n` : `${row(e)}\n`);
    shown += page.events.length;
    after = page.next;
  } while (after && shown < wanted);
  if (!json) io.stderr.write(`${shown} event(s)${after ? '; more match (--all or a larger --limit)' : ''}\n`);
}

function row(e: AuditEventView): string {
  const principal = e.principalName ? (e.principalKind === 'token' ? `token:${e.principalName}` : e.principalName) : e.principalKind;
  const subject = e.module ? `${e.module}${e.version ? `@${e.version}` : ''}` : '-';
  return [e.time.replace('T', ' ').replace(/\.\d+Z$/, ''), e.action, principal, e.status ?? '-', subject, e.ip ?? '-', e.reason ?? ''].join('\t');
}

async function auditExport(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  const { flags, positional } = parseFlags(args, [...FILTER_FLAGS, 'format', 'out', 'order']);
  if (positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
  const format = flags.get('format') ?? 'ndjson';
  if (format !== 'csv' && format !== 'ndjson') throw new CliError('--format must be csv or ndjson');
  const params = filterParams(flags);
  params.set('format', format);
  if (flags.has('order')) params.set('order', flags.get('order')!);
  const response = await api.stream(`/api/audit/export?${params}`);
  const total = Number(response.headers.get('x-audit-count') ?? NaN);
  const bar = new ProgressBar(io.stderr, Number.isFinite(total) ? total : null);
  let lines = 0;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      bar.update(format === 'csv' ? Math.max(0, lines - 1) : lines, bytes);
      callback(null, chunk);
    },
  });
  const out = flags.has('out') ? createWriteStream(flags.get('out')!) : io.stdout;
  if (!response.body) throw new CliError('the server sent no export body');
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, out, { end: flags.has('out') });
  const events = format === 'csv' ? Math.max(0, lines - 1) : lines;
  bar.finish(events, bytes);
  if (flags.has('out')) io.stderr.write(`exported ${events} event(s) to ${flags.get('out')}\n`);
}

async function auditVerify(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  if (parseFlags(args, []).positional.length) throw new UsageError('modgate audit verify takes no arguments');
  const report: {
    ok: boolean;
    checked: number;
    fromSeq: number;
    headSeq: number;
    headHash: string;
    broken: { id: number | null; seq: number; reason: string } | null;
    durationMs: number;
  } = await api.request('POST', '/api/audit/verify');
  if (!report.ok && report.broken) {
    throw new CliError(`audit chain BROKEN at seq ${report.broken.seq}${report.broken.id === null ? '' : ` (row id ${report.broken.id})`}: ${report.broken.reason}`);
  }
  io.stdout.write(`audit chain intact: ${report.checked} events (seq ${report.fromSeq + 1}..${report.headSeq}) verified in ${report.durationMs} ms\nhead ${report.headSeq} ${report.headHash}\n`);
}

async function auditWhoPulled(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  const { positional } = parseFlags(args, []);
  const [target] = positional;
  const at = target?.lastIndexOf('@') ?? -1;
  if (positional.length !== 1 || !target || at <= 0) throw new UsageError('expected <module>@<version>');
  const params = new URLSearchParams({ module: target.slice(0, at), version: target.slice(at + 1) });
  const result: { principals: Array<{ kind: string; name: string | null; artifacts: string[]; pulls: number; refused: number; ips: string[]; last: string }> } =
    await api.request('GET', `/api/audit/blast-radius?${params}`);
  io.stdout.write(`${['PRINCIPAL', 'KIND', 'GOT', 'PULLS', 'REFUSED', 'IPS', 'LAST (UTC)'].join('\t')}\n`);
  for (const p of result.principals) {
    io.stdout.write(`${[p.name ?? '-', p.kind, p.artifacts.join(',') || '-', p.pulls, p.refused, p.ips.join(',') || '-', p.last.replace('T', ' ').replace(/\.\d+Z$/, '')].join('\t')}\n`);
  }
  io.stderr.write(`${result.principals.length} principal(s) asked for ${target}; ${result.principals.filter((p) => p.artifacts.includes('zip')).length} downloaded its zip\n`);
}

async function auditSummary(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  const { flags } = parseFlags(args, ['from', 'to', 'limit']);
  const params = new URLSearchParams([...flags.entries()]);
  const s: {
    from: string;
    to: string;
    requests: number;
    downloads: number;
    denied: number;
    topModules: Array<{ module: string; requests: number; downloads: number }>;
    topPrincipals: Array<{ kind: string; name: string | null; requests: number; downloads: number }>;
  } = await api.request('GET', `/api/audit/summary?${params}`);
  io.stdout.write(`${s.from} .. ${s.to}: ${s.requests} requests, ${s.downloads} zip downloads, ${s.denied} denied\n\ntop modules\n`);
  for (const m of s.topModules) io.stdout.write(`  ${String(m.requests).padStart(8)}  ${String(m.downloads).padStart(8)}  ${m.module}\n`);
  io.stdout.write('\ntop principals\n');
  for (const p of s.topPrincipals) io.stdout.write(`  ${String(p.requests).padStart(8)}  ${String(p.downloads).padStart(8)}  ${p.name ?? p.kind} (${p.kind})\n`);
}
