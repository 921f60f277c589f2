import { isValidModulePath } from '#gomod';
import { BadRangeError, compileRange, type AffectedInterval, type RangeEvent } from './affected-ranges.js';

/** A feed that cannot be imported as it is; the message names the file and what is wrong. */
export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedError';
  }
}

/** Advisory ids as the Go vulnerability database writes them (`GO-2022-0001`); never a path. */
const ADVISORY_ID = /^[A-Z][A-Z0-9]{0,15}(-[A-Za-z0-9]{1,32}){1,4}$/;

/** Module paths of the Go distribution itself: never a module a proxy serves. */
const NOT_PROXY_MODULES = new Set(['stdlib', 'toolchain']);

export function isAdvisoryId(id: string): boolean {
  return ADVISORY_ID.test(id);
}

/** One affected module of an advisory, its SEMVER ranges compiled (no ranges: every version). */
export interface AffectedModule {
  module: string;
  intervals: AffectedInterval[];
}

/** What modgate keeps of one OSV entry besides its bytes. */
export interface VulnEntry {
  id: string;
  modified: Date;
  published: Date | null;
  withdrawn: Date | null;
  aliases: string[];
  summary: string;
  affected: AffectedModule[];
}

interface OsvJson {
  id?: unknown;
  modified?: unknown;
  published?: unknown;
  withdrawn?: unknown;
  aliases?: unknown;
  summary?: unknown;
  details?: unknown;
  affected?: unknown;
}

/**
 * Parses one `ID/<id>.json` file. Throws FeedError when it is not JSON, its id differs from
 * `expectedId` or is not an advisory id, a date is not RFC 3339, or a SEMVER range is malformed.
 * Ranges of other types are ignored; `stdlib` and `toolchain` are kept out (no proxy module).
 */
export function parseOsvEntry(bytes: Buffer, expectedId: string): VulnEntry {
  const where = `ID/${expectedId}.json`;
  let json: OsvJson;
  try {
    json = JSON.parse(bytes.toString('utf8')) as OsvJson;
  } catch (err) {
    throw new FeedError(`${where}: not JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new FeedError(`${where}: not a JSON object`);
  if (typeof json.id !== 'string' || !isAdvisoryId(json.id)) throw new FeedError(`${where}: id ${JSON.stringify(json.id)} is not an advisory id`);
  if (json.id !== expectedId) throw new FeedError(`${where}: holds advisory ${json.id}`);
  const aliases = json.aliases === undefined ? [] : json.aliases;
  if (!Array.isArray(aliases) || !aliases.every((a): a is string => typeof a === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(a))) {
    throw new FeedError(`${where}: aliases must be a list of ids`);
  }
  const summary = typeof json.summary === 'string' ? json.summary : typeof json.details === 'string' ? json.details : '';
  return {
    id: json.id,
    modified: date(json.modified, `${where}: modified`)!,
    published: json.published === undefined ? null : date(json.published, `${where}: published`),
    withdrawn: json.withdrawn === undefined ? null : date(json.withdrawn, `${where}: withdrawn`),
    aliases,
    summary: firstLine(summary),
    affected: affectedModules(json.affected, where),
  };
}

function affectedModules(affected: unknown, where: string): AffectedModule[] {
  if (affected === undefined) return [];
  if (!Array.isArray(affected)) throw new FeedError(`${where}: affected must be a list`);
  const modules: AffectedModule[] = [];
  affected.forEach((item: unknown, i) => {
    const at = `${where}: affected[${i}]`;
    const pkg = (item as { package?: { name?: unknown; ecosystem?: unknown } } | null)?.package;
    if (!pkg || typeof pkg.name !== 'string') throw new FeedError(`${at}: package.name missing`);
    if (NOT_PROXY_MODULES.has(pkg.name)) return;
    if (!isValidModulePath(pkg.name)) throw new FeedError(`${at}: ${JSON.stringify(pkg.name)} is not a module path`);
    const ranges = (item as { ranges?: unknown }).ranges;
    if (ranges !== undefined && !Array.isArray(ranges)) throw new FeedError(`${at}: ranges must be a list`);
    const semver = ((ranges ?? []) as Array<{ type?: unknown; events?: unknown }>).filter((r) => r?.type === 'SEMVER');
    if (semver.length === 0) {
      modules.push({ module: pkg.name, intervals: [{}] });
      return;
    }
    const intervals = semver.flatMap((range, j) => {
      if (!Array.isArray(range.events)) throw new FeedError(`${at}.ranges[${j}]: events must be a list`);
      try {
        return compileRange(range.events as RangeEvent[]);
      } catch (err) {
        if (err instanceof BadRangeError) throw new FeedError(`${at}.ranges[${j}]: ${err.message}`);
        throw err;
      }
    });
    modules.push({ module: pkg.name, intervals });
  });
  return modules;
}

function date(value: unknown, what: string): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) {
    throw new FeedError(`${what} must be an RFC 3339 time`);
  }
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new FeedError(`${what} must be an RFC 3339 time`);
  return parsed;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}
