import type { ApiClient } from './api-client.js';
import { CliError, UsageError } from './api-client.js';
import type { CliOutput } from './audit.command.js';
import { parseFlags } from './cli-flags.js';

export const STORAGE_USAGE = `usage:
  modgate storage usage [--depth N] [--limit N] [--json]   bytes held by source and by module path prefix (first N elements, default 2)
  modgate storage gc [--dry-run] [--min-age SECONDS]        remove orphan blobs (written, never recorded) older than --min-age (default 3600)
  modgate storage evict [--dry-run] [--days N]              evict public versions not pulled for N days (default: MODGATE_EVICT_UNPULLED_DAYS)`;

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };

interface UsageRow {
  source: string;
  versions: number;
  bytes: number;
  prefix?: string;
}

/** `modgate storage`: the `/api/storage/*` admin API from the shell. */
export async function storageCommand(api: ApiClient, args: string[], io: CliOutput = STD): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'usage':
      return usage(api, rest, io);
    case 'gc':
      return gc(api, rest, io);
    case 'evict':
      return evict(api, rest, io);
    case undefined:
    case 'help':
    case '--help':
      io.stdout.write(`${STORAGE_USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown storage command ${JSON.stringify(sub)}`);
  }
}

function wholeNumber(flags: Map<string, string>, name: string): number | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`--${name} must be a whole number`);
  return Number(value);
}

function noPositional(positional: string[]): void {
  if (positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
}

async function usage(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  const { flags, positional } = parseFlags(args, ['depth', 'limit'], ['json']);
  noPositional(positional);
  const params = new URLSearchParams();
  for (const name of ['depth', 'limit']) if (flags.has(name)) params.set(name, String(wholeNumber(flags, name)));
  const result: { bySource: UsageRow[]; byPrefix: UsageRow[] } = await api.request('GET', `/api/storage/usage?${params}`);
  if (flags.has('json')) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  io.stdout.write(`${['SOURCE', 'VERSIONS', 'BYTES'].join('\t')}\n`);
  for (const row of result.bySource) io.stdout.write(`${[row.source, row.versions, row.bytes].join('\t')}\n`);
  io.stdout.write(`\n${['PREFIX', 'SOURCE', 'VERSIONS', 'BYTES'].join('\t')}\n`);
  for (const row of result.byPrefix) io.stdout.write(`${[row.prefix, row.source, row.versions, row.bytes].join('\t')}\n`);
}

async function gc(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  const { flags, positional } = parseFlags(args, ['min-age'], ['dry-run']);
  noPositional(positional);
  const body = { dryRun: flags.has('dry-run'), minAgeSeconds: wholeNumber(flags, 'min-age') };
  const report: { scanned: number; orphans: Array<{ key: string; size: number; modifiedAt: string }>; tooYoung: number; removed: number; removedBytes: number } =
    await api.request('POST', '/api/storage/gc', body);
  for (const orphan of report.orphans) io.stdout.write(`${[orphan.key, orphan.size, orphan.modifiedAt].join('\t')}\n`);
  const young = report.tooYoung ? `; ${report.tooYoung} younger than the minimum age left alone` : '';
  io.stderr.write(
    body.dryRun
      ? `${report.orphans.length} orphan blob(s) among ${report.scanned} artifact blobs (dry run: nothing removed)${young}\n`
      : `removed ${report.removed} orphan blob(s), ${report.removedBytes} bytes, among ${report.scanned} artifact blobs${young}\n`,
  );
}

async function evict(api: ApiClient, args: string[], io: CliOutput): Promise<void> {
  const { flags, positional } = parseFlags(args, ['days'], ['dry-run']);
  noPositional(positional);
  const body = { dryRun: flags.has('dry-run'), days: wholeNumber(flags, 'days') };
  const report: { days: number; versions: Array<{ module: string; version: string; lastUsedAt: string }>; removedBytes: number } = await api.request(
    'POST',
    '/api/storage/evict',
    body,
  );
  for (const v of report.versions) io.stdout.write(`${[`${v.module}@${v.version}`, v.lastUsedAt].join('\t')}\n`);
  io.stderr.write(
    body.dryRun
      ? `${report.versions.length} public version(s) not pulled for ${report.days} days (dry run: nothing evicted)\n`
      : `evicted ${report.versions.length} public version(s) not pulled for ${report.days} days, ${report.removedBytes} bytes\n`,
  );
}
