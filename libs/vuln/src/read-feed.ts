import type { FeedSource } from './feed-source.js';
import { FeedError, isAdvisoryId, parseOsvEntry, type VulnEntry } from './osv-entry.js';

/** Bounds on what one import reads. */
export interface FeedLimits {
  /** Largest `index/*.json`. */
  maxIndexBytes: number;
  /** Largest `ID/<id>.json`. */
  maxEntryBytes: number;
  /** Most advisories in one database. */
  maxEntries: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = { maxIndexBytes: 64 << 20, maxEntryBytes: 1 << 20, maxEntries: 200_000 };

/** The index files served again at `/vulndb/`, byte for byte. */
export const INDEX_FILES = ['index/db.json', 'index/modules.json', 'index/vulns.json'] as const;
export type IndexFile = (typeof INDEX_FILES)[number];

/** What an import changes: every index file, the entries whose `modified` changed, and the ids gone from the feed. */
export interface FeedUpdate {
  modified: Date;
  indexFiles: Map<IndexFile, Buffer>;
  /** `listed`: the entry's modified time in the index (ms), compared on the next import. */
  changed: Array<{ entry: VulnEntry; body: Buffer; listed: number }>;
  removed: string[];
  /** Advisories in the feed. */
  total: number;
}

/**
 * Reads a feed against what is stored (`stored`: id -> modified, in ms) and returns the update,
 * reading only the entries whose `modified` differs. Everything is checked before anything is
 * returned: a bad index, a bad id, a bad or oversized entry throws FeedError, so a refused feed
 * changes nothing.
 */
export async function readFeed(source: FeedSource, stored: ReadonlyMap<string, number>, limits: FeedLimits = DEFAULT_FEED_LIMITS): Promise<FeedUpdate> {
  const indexFiles = new Map<IndexFile, Buffer>();
  for (const name of INDEX_FILES) {
    const bytes = await source.read(name, limits.maxIndexBytes);
    if (bytes) indexFiles.set(name, bytes);
  }
  const db = indexFiles.get('index/db.json');
  if (!db) throw new FeedError(`${source.description}: no index/db.json (not a Go vulnerability database)`);
  const dbJson = parseJson(db, 'index/db.json') as { modified?: unknown };
  const modified = typeof dbJson?.modified === 'string' ? new Date(dbJson.modified) : new Date(NaN);
  if (Number.isNaN(modified.getTime())) throw new FeedError('index/db.json: modified must be an RFC 3339 time');
  const modules = indexFiles.get('index/modules.json');
  if (!modules) throw new FeedError(`${source.description}: no index/modules.json`);

  const wanted = wantedEntries(modules, indexFiles.get('index/vulns.json'));
  if (wanted.size > limits.maxEntries) throw new FeedError(`more than ${limits.maxEntries} advisories`);
  const changed: FeedUpdate['changed'] = [];
  for (const [id, entryModified] of wanted) {
    if (stored.get(id) === entryModified) continue;
    const body = await source.read(`ID/${id}.json`, limits.maxEntryBytes);
    if (!body) throw new FeedError(`ID/${id}.json: listed in the index but missing`);
    changed.push({ entry: parseOsvEntry(body, id), body, listed: entryModified });
  }
  const removed = [...stored.keys()].filter((id) => !wanted.has(id));
  return { modified, indexFiles, changed, removed, total: wanted.size };
}

/** id -> modified (ms) of every advisory the index names: from `vulns.json` when present, else `modules.json`. */
function wantedEntries(modules: Buffer, vulns: Buffer | undefined): Map<string, number> {
  const wanted = new Map<string, number>();
  const add = (id: unknown, modified: unknown, where: string) => {
    if (typeof id !== 'string' || !isAdvisoryId(id)) throw new FeedError(`${where}: ${JSON.stringify(id)} is not an advisory id`);
    const ms = typeof modified === 'string' ? Date.parse(modified) : NaN;
    if (Number.isNaN(ms)) throw new FeedError(`${where}: ${id} has no valid modified time`);
    wanted.set(id, Math.max(ms, wanted.get(id) ?? ms));
  };
  if (vulns) {
    const list = parseJson(vulns, 'index/vulns.json');
    if (!Array.isArray(list)) throw new FeedError('index/vulns.json: must be a list');
    for (const item of list as Array<{ id?: unknown; modified?: unknown } | null>) add(item?.id, item?.modified, 'index/vulns.json');
  }
  const list = parseJson(modules, 'index/modules.json');
  if (!Array.isArray(list)) throw new FeedError('index/modules.json: must be a list');
  for (const module of list as Array<{ path?: unknown; vulns?: unknown } | null>) {
    if (typeof module?.path !== 'string' || !Array.isArray(module.vulns)) throw new FeedError('index/modules.json: each item needs path and vulns');
    if (vulns) continue;
    for (const v of module.vulns as Array<{ id?: unknown; modified?: unknown } | null>) add(v?.id, v?.modified, 'index/modules.json');
  }
  return wanted;
}

function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FeedError(`${where}: not JSON (${(err as Error).message})`);
  }
}
