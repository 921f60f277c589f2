import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Writable } from 'node:stream';
import { writeZip } from '#gomod';
import type { ApiClient } from './api-client.js';
import { CliError, UsageError } from './api-client.js';
import { parseFlags } from './cli-flags.js';

export const VULN_USAGE = `usage:
  modgate vuln import <dir|zip>     import the Go vulnerability database from an export (air-gapped sites):
                                    a directory or zip holding index/db.json, index/modules.json, ID/<id>.json
  modgate vuln import --feed        import the configured feed (MODGATE_VULNDB_URL) now
  modgate vuln status               advisories imported, the last import, the feed
(modgate audit exposure <GO-id>: who pulled an affected version)`;

interface Output {
  stdout: NodeJS.WritableStream;
}

/** `modgate vuln <import|status>` */
export async function vulnCommand(api: ApiClient, args: string[], io: Output = process): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'status') {
    const status: { entries: number; inForce: number; lastImport: { source: string; importedAt: string } | null; feed: { url: string | null } } = await api.request('GET', '/api/vulnerabilities');
    io.stdout.write(`${status.entries} advisories imported, ${status.inForce} in force\n`);
    io.stdout.write(`last import: ${status.lastImport ? `${status.lastImport.importedAt} from ${status.lastImport.source}` : 'never'}\n`);
    io.stdout.write(`feed: ${status.feed.url ?? 'none (imports by hand)'}\n`);
    return;
  }
  if (sub !== 'import') throw new UsageError(`unknown vuln command ${JSON.stringify(sub ?? '')}`);
  const { flags, positional } = parseFlags(rest, [], ['feed']);
  if (flags.has('feed') ? positional.length !== 0 : positional.length !== 1) throw new UsageError('expected a directory or zip file, or --feed');
  const body = flags.has('feed') ? undefined : await zipOf(positional[0]!);
  const result: { total: number; changed: string[]; removed: string[]; generation: number } = await api.upload('/api/vulnerabilities/import', body, 'application/zip');
  io.stdout.write(`${result.total} advisories in the database: ${result.changed.length} added or changed, ${result.removed.length} removed (generation ${result.generation})\n`);
}

/** The export as a zip: a zip file as it is, a directory zipped (its files, relative paths). */
async function zipOf(path: string): Promise<Buffer> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new CliError(`${path}: no such file or directory`);
  if (info.isFile()) return readFile(path);
  const files: Array<{ name: string; data: Buffer }> = [];
  for (const file of await walk(path)) files.push({ name: relative(path, file).split(sep).join('/'), data: await readFile(file) });
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  await writeZip(out, files);
  return Buffer.concat(chunks);
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full)));
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(full);
  }
  return found;
}

/** `modgate audit exposure <GO-id>`: who pulled a version the advisory affects. */
export async function auditExposure(api: ApiClient, args: string[], io: Output): Promise<void> {
  const { positional } = parseFlags(args, []);
  if (positional.length !== 1) throw new UsageError('expected an advisory id (GO-2024-0001)');
  const id = positional[0]!;
  const report: {
    advisory: { id: string; aliases: string[]; published: string | null };
    exposures: Array<{ principal: { kind: string; name: string | null }; module: string; version: string; ip: string | null; artifacts: string[]; pulls: number; first: string; last: string; beforePublication: boolean }>;
  } = await api.request('GET', `/api/vulnerabilities/${encodeURIComponent(id)}/exposure`);
  const time = (t: string) => t.replace('T', ' ').replace(/\.\d+Z$/, '');
  io.stdout.write(`${['PRINCIPAL', 'KIND', 'MODULE@VERSION', 'GOT', 'PULLS', 'IP', 'FIRST (UTC)', 'LAST (UTC)', 'BEFORE PUBLICATION'].join('\t')}\n`);
  for (const e of report.exposures) {
    io.stdout.write(`${[e.principal.name ?? '-', e.principal.kind, `${e.module}@${e.version}`, e.artifacts.join(',') || '-', e.pulls, e.ip ?? '-', time(e.first), time(e.last), e.beforePublication ? 'yes' : 'no'].join('\t')}\n`);
  }
  const names = new Set(report.exposures.map((e) => `${e.principal.kind}:${e.principal.name}`));
  const aliases = report.advisory.aliases.length > 0 ? ` (${report.advisory.aliases.join(', ')})` : '';
  io.stdout.write(`${names.size} principal(s) pulled a version affected by ${report.advisory.id}${aliases}, published ${report.advisory.published ? time(report.advisory.published) : 'unknown'}\n`);
}
