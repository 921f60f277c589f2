import { readFile } from 'node:fs/promises';
import { escapePath, sortVersions } from '../../libs/gomod/src/index.js';
import { rawGet } from '../http-client.js';
import { goModDownloadJsonAll, parseJsonStream, runGo, type GoModDownload } from '../support/index.js';
import type { BuiltCase } from './case-types.js';

/** One go command of the suite may take this long: eight cases run at once, on a shared machine. */
const GO_TIMEOUT_MS = 300_000;

/** A version list as one side saw it. */
export interface ListOutcome {
  versions?: string[];
  error?: string;
}

/** What one side got for one `<module>@<query>`. */
export interface ResolveOutcome {
  version?: string;
  error?: string;
  /** `h1:` of the zip (download only). */
  sum?: string;
  /** `h1:` of the .mod (download only). */
  goModSum?: string;
  /** `.info` Time. */
  time?: string;
  /** The `.mod` bytes. */
  mod?: Buffer;
  /** The commit the version was built from (`.info` Origin.Hash; direct mode only). */
  commit?: string;
}

/** Everything one side (direct go, or go through modgate) answered for one case. */
export interface SideOutcome {
  /** Module path -> `go list -m -versions -retracted`. */
  lists: Map<string, ListOutcome>;
  /** `<module>@<query>` -> `go mod download -json`. */
  downloads: Map<string, ResolveOutcome>;
  /** `<module>@<query>` -> `go list -m -json` (info and .mod only), for queries with `stat`. */
  stats: Map<string, ResolveOutcome>;
  /** Module path -> modgate's raw `GET <M>/@v/list`, sorted (modgate side only). */
  rawLists: Map<string, ListOutcome>;
  /** Module path -> `go mod download -json <M>@latest` (filled by {@link resolveLatest}). */
  latest: Map<string, ResolveOutcome>;
}

/** `<module>@<query>`, the key of every per-query map. */
export function queryKey(path: string, query: string): string {
  return `${path}@${query}`;
}

interface GoListModule {
  Path?: string;
  Version?: string;
  Versions?: string[];
  Time?: string;
  GoMod?: string;
  Error?: { Err?: string };
}

/**
 * Runs the go command for one case with `env` (direct or through a proxy) from the empty
 * directory `cwd`: one `go list -m -versions` for all modules, one `go mod download -json` for all
 * queries, and one `go list -m -json` for the queries that ask for `.info`/`.mod` only.
 */
export async function runGoSide(built: BuiltCase, env: Record<string, string>, cwd: string): Promise<SideOutcome> {
  const queries = built.modules.flatMap((m) => m.queries.map((spec) => ({ path: m.path, spec })));
  const downloadArgs = queries.map(({ path, spec }) => queryKey(path, spec.query));
  const statArgs = queries.filter(({ spec }) => spec.stat !== undefined).map(({ path, spec }) => queryKey(path, spec.query));

  const [lists, downloaded, statted] = await Promise.all([
    listVersions(built, env, cwd),
    goDownload(downloadArgs, env, cwd),
    statArgs.length > 0 ? goList([], statArgs, env, cwd) : Promise.resolve([]),
  ]);
  const stats = new Map<string, ResolveOutcome>();
  for (const [i, key] of statArgs.entries()) stats.set(key, await statOutcome(statted[i]));
  const downloads = new Map<string, ResolveOutcome>();
  for (const [i, key] of downloadArgs.entries()) downloads.set(key, await downloadOutcome(downloaded[i]));
  return { lists, downloads, stats, rawLists: new Map(), latest: new Map() };
}

/** `go list -m -versions -retracted` of every module of the case. */
export async function listVersions(built: BuiltCase, env: Record<string, string>, cwd: string): Promise<Map<string, ListOutcome>> {
  const modules = built.modules.map((m) => m.path);
  const listed = await goList(['-versions', '-retracted'], modules, env, cwd);
  const lists = new Map<string, ListOutcome>();
  modules.forEach((path, i) => {
    const m = listed[i];
    lists.set(path, m?.Error ? { error: m.Error.Err ?? 'error' } : { versions: m?.Versions ?? [] });
  });
  return lists;
}

/** `go mod download -json <M>@latest` of every module of the case (what `go get <M>@latest` picks). */
export async function resolveLatest(built: BuiltCase, env: Record<string, string>, cwd: string): Promise<Map<string, ResolveOutcome>> {
  const modules = built.modules.map((m) => m.path);
  const downloaded = await goDownload(modules.map((path) => queryKey(path, 'latest')), env, cwd);
  const latest = new Map<string, ResolveOutcome>();
  for (const [i, path] of modules.entries()) latest.set(path, await downloadOutcome(downloaded[i]));
  return latest;
}

/** Modgate's raw `@v/list` for each module: first fields of its lines, sorted by semver. */
export async function rawLists(built: BuiltCase, baseUrl: string, ca: Buffer, headers: Record<string, string> = {}): Promise<Map<string, ListOutcome>> {
  const out = new Map<string, ListOutcome>();
  for (const { path } of built.modules) {
    try {
      const response = await rawGet(baseUrl, `/${escapePath(path)}/@v/list`, { ca, headers });
      const body = response.body.toString('utf8');
      if (response.status !== 200) {
        out.set(path, { error: `HTTP ${response.status}: ${body.split('\n')[0] ?? ''}` });
        continue;
      }
      const versions = body.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '').filter((v) => v !== '');
      out.set(path, { versions: sortVersions(versions) });
    } catch (error) {
      out.set(path, { error: `request failed: ${(error as Error).message}` });
    }
  }
  return out;
}

/** `go list -m -json -e <flags> <args>`: one object per argument, in order (`undefined` when go printed none). */
async function goList(
  flags: string[],
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<Array<GoListModule | undefined>> {
  const result = await runGo(['list', '-m', '-json', '-e', ...flags, ...args], { cwd, env, allowFailure: true, timeoutMs: GO_TIMEOUT_MS });
  const objects = parseJsonStream(result.stdout) as GoListModule[];
  if (objects.length !== args.length) {
    const error = { Err: `go list printed ${objects.length} objects for ${args.length} arguments: ${result.stderr.trim()}` };
    return args.map((arg) => ({ ...(objects.find((o) => o.Path === arg) ?? {}), Error: error }));
  }
  return objects;
}

/** `go mod download -json <args>`: one object per argument, in order; a failed run fails every argument. */
async function goDownload(args: string[], env: Record<string, string>, cwd: string): Promise<GoModDownload[]> {
  try {
    const objects = await goModDownloadJsonAll(args, env, { cwd, timeoutMs: GO_TIMEOUT_MS });
    if (objects.length === args.length) return objects;
    // go printed fewer objects (e.g. duplicates merged): match by path and query.
    return args.map((arg) => {
      const at = arg.lastIndexOf('@');
      const [path, query] = [arg.slice(0, at), arg.slice(at + 1)];
      const found = objects.find((o) => o.Path === path && (o.Query === query || (o.Query === undefined && o.Version === query)));
      return found ?? { Path: path, Version: query, Error: 'no JSON object printed for this argument' };
    });
  } catch (error) {
    return args.map((arg) => ({ Path: arg, Version: '', Error: (error as Error).message }));
  }
}

async function downloadOutcome(d: GoModDownload | undefined): Promise<ResolveOutcome> {
  if (!d) return { error: 'no result' };
  if (d.Error) return { error: d.Error };
  const info = d.Info ? (JSON.parse(await readFile(d.Info, 'utf8')) as { Time?: string; Origin?: { Hash?: string } }) : {};
  return {
    version: d.Version,
    sum: d.Sum,
    goModSum: d.GoModSum,
    time: info.Time,
    mod: d.GoMod ? await readFile(d.GoMod) : undefined,
    commit: info.Origin?.Hash ?? d.Origin?.Hash,
  };
}

async function statOutcome(m: GoListModule | undefined): Promise<ResolveOutcome> {
  if (!m) return { error: 'no result' };
  if (m.Error) return { error: m.Error.Err ?? 'error' };
  return { version: m.Version, time: m.Time, mod: m.GoMod ? await readFile(m.GoMod) : undefined };
}
