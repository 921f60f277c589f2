import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goEnv, makeGitInsteadOfConfig } from '../support/index.js';
import type { BuiltCase, ConformanceCase } from './case-types.js';
import { compareCase, compareListedAfterDownloads, oneLine, type Mismatch } from './compare.js';
import { FixtureRepo } from './fixture-repo.js';
import { listVersions, queryKey, rawLists, resolveLatest, runGoSide, type SideOutcome } from './go-side.js';
import { checkPredictions, handZipHash } from './predictions.js';

/** Cases run at the same time: each waits mostly on git and on modgate, so more than the cores. */
const CONCURRENCY = 8;

/** modgate's list TTL in the suite: the "listed after downloads" pass starts once it has passed. */
export const CONFORMANCE_LIST_TTL_SECONDS = 1;

/** The name of a case's "listed after downloads" result. */
export const AFTER_DOWNLOADS = ' (listed after downloads)';

/** A case with its repositories built and, once run, the oracle's answers. */
export interface PreparedCase {
  def: ConformanceCase;
  built: BuiltCase;
  direct?: SideOutcome;
}

/** The fixture world shared by all cases. */
export interface ConformanceSetup {
  workDir: string;
  /** `<reposRoot>/conf/<repo>`: serve `github.com/conf/*` from `file://<reposRoot>/conf/{repo}`. */
  reposRoot: string;
  /** GIT_CONFIG_GLOBAL mapping https://github.com/ to reposRoot, for the direct side. */
  gitConfigPath: string;
  /** HOME (and GOCACHE) of every go command the suite runs. */
  goHome: string;
  /** An empty directory (no go.mod) to run the go command in. */
  cwd: string;
  cases: PreparedCase[];
}

/** modgate as the suite reaches it. */
export interface ModgateTarget {
  url: string;
  caCertPath: string;
  /** NETRC for the go command. */
  netrc: string;
  /** Authorization for raw requests. */
  headers: Record<string, string>;
}

/** The outcome of one case. */
export interface CaseResult {
  name: string;
  about: string;
  expectDifference?: string;
  /** Lists, downloads and `.info`/`.mod`-only resolutions compared. */
  checks: number;
  /** How long the go command took through modgate for this case. */
  modgateMs: number;
  mismatches: Mismatch[];
}

/** Builds every case's repositories under `workDir` (fixed dates, so hashes are stable). */
export async function prepareConformance(cases: readonly ConformanceCase[], workDir: string): Promise<ConformanceSetup> {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate conformance case ${c.name}`);
    names.add(c.name);
  }
  const setup: ConformanceSetup = {
    workDir,
    reposRoot: join(workDir, 'repos'),
    gitConfigPath: join(workDir, 'gitconfig'),
    goHome: join(workDir, 'gohome'),
    cwd: join(workDir, 'cwd'),
    cases: [],
  };
  await Promise.all([mkdir(setup.reposRoot, { recursive: true }), mkdir(setup.goHome, { recursive: true }), mkdir(setup.cwd, { recursive: true })]);
  await makeGitInsteadOfConfig(setup.gitConfigPath, setup.reposRoot);
  setup.cases = await mapLimit(cases, CONCURRENCY, async (def) => {
    const built = await def.build({ repo: (name) => FixtureRepo.create(setup.reposRoot, name) });
    const handWritten = built.modules.some((m) => m.queries.some((q) => q.modgateZip !== undefined));
    if (handWritten && def.expectDifference === undefined) throw new Error(`${def.name}: modgateZip needs expectDifference`);
    return { def, built };
  });
  return setup;
}

/** Runs the oracle — the go command reading each fixture repository directly — for every case. */
export async function runDirectSide(setup: ConformanceSetup): Promise<void> {
  await mapLimit(setup.cases, CONCURRENCY, async (c) => {
    const env = goEnv({
      home: setup.goHome,
      goproxy: 'direct',
      gomodcache: join(setup.workDir, 'modcache', c.def.name, 'direct'),
      gitConfig: setup.gitConfigPath,
      goprivate: 'github.com',
      extra: { GOFLAGS: '-mod=mod -modcacherw' },
    });
    c.direct = await runGoSide(c.built, env, setup.cwd);
    c.direct.latest = await resolveLatest(c.built, env, setup.cwd);
  });
}

/** Per case, where the oracle's answers differ from what the spec predicts (fixture validation). */
export async function predictionProblems(setup: ConformanceSetup): Promise<Array<{ case: string; problems: string[] }>> {
  const out: Array<{ case: string; problems: string[] }> = [];
  for (const c of setup.cases) {
    if (!c.direct) throw new Error(`${c.def.name}: run the direct side first`);
    const problems = await checkPredictions(c.built, c.direct);
    if (problems.length > 0) out.push({ case: c.def.name, problems });
  }
  return out;
}

/** The go command's environment for a case through modgate, with its own module cache under `modcache/<cacheDir>`. */
function modgateGoEnv(setup: ConformanceSetup, modgate: ModgateTarget, cacheDir: string) {
  return goEnv({
    home: setup.goHome,
    goproxy: modgate.url,
    gomodcache: join(setup.workDir, 'modcache', cacheDir),
    caCert: modgate.caCertPath,
    netrc: modgate.netrc,
    // GOPRIVATE (through GONOPROXY) would make go bypass the proxy: only skip the checksum database.
    extra: { GONOSUMDB: 'github.com', GOPRIVATE: undefined, GONOPROXY: undefined, GOFLAGS: '-mod=mod -modcacherw' },
  });
}

/** Runs every case through modgate and compares each with the oracle's answers. */
export async function runModgateSide(setup: ConformanceSetup, modgate: ModgateTarget): Promise<CaseResult[]> {
  const ca = await readFile(modgate.caCertPath);
  return mapLimit(setup.cases, CONCURRENCY, async (c) => {
    if (!c.direct) throw new Error(`${c.def.name}: run the direct side first`);
    const env = modgateGoEnv(setup, modgate, join(c.def.name, 'modgate'));
    const started = Date.now();
    const side = await runGoSide(c.built, env, setup.cwd);
    const modgateMs = Date.now() - started;
    side.rawLists = await rawLists(c.built, modgate.url, ca, modgate.headers);
    const handSums = new Map<string, string>();
    for (const module of c.built.modules) {
      for (const spec of module.queries) {
        const key = queryKey(module.path, spec.query);
        const sum = await handZipHash(module, spec, c.direct.downloads.get(key));
        if (sum) handSums.set(key, sum);
      }
    }
    return {
      name: c.def.name,
      about: c.def.about,
      expectDifference: c.def.expectDifference,
      checks: countChecks(c.built),
      modgateMs,
      mismatches: compareCase(c.def.name, c.built, c.direct, side, handSums),
    };
  });
}

/**
 * Run after {@link runModgateSide}, once the list TTL has passed: per case, lists and `@latest`
 * through modgate again — now that every download of the case is stored — compared with the
 * oracle. One result per case, named `<case> (listed after downloads)`.
 */
export async function runListedAfterDownloads(setup: ConformanceSetup, modgate: ModgateTarget): Promise<CaseResult[]> {
  const ca = await readFile(modgate.caCertPath);
  return mapLimit(setup.cases, CONCURRENCY, async (c) => {
    if (!c.direct) throw new Error(`${c.def.name}: run the direct side first`);
    const env = modgateGoEnv(setup, modgate, join(c.def.name, 'modgate-after'));
    const started = Date.now();
    const [lists, raw, latest] = await Promise.all([
      listVersions(c.built, env, setup.cwd),
      rawLists(c.built, modgate.url, ca, modgate.headers),
      resolveLatest(c.built, env, setup.cwd),
    ]);
    const after: SideOutcome = { lists, rawLists: raw, latest, downloads: new Map(), stats: new Map() };
    return {
      name: `${c.def.name}${AFTER_DOWNLOADS}`,
      about: `${c.def.about}: listed again after its downloads`,
      checks: c.built.modules.length * 3,
      modgateMs: Date.now() - started,
      mismatches: compareListedAfterDownloads(`${c.def.name}${AFTER_DOWNLOADS}`, c.built, c.direct, after),
    };
  });
}

/** Builds, runs both sides and compares: the whole suite against a running modgate. */
export async function runConformance(
  cases: readonly ConformanceCase[],
  workDir: string,
  modgate: ModgateTarget,
): Promise<CaseResult[]> {
  const setup = await prepareConformance(cases, workDir);
  await runDirectSide(setup);
  const results = await runModgateSide(setup, modgate);
  await new Promise((resolve) => setTimeout(resolve, CONFORMANCE_LIST_TTL_SECONDS * 1000 + 200));
  return [...results, ...(await runListedAfterDownloads(setup, modgate))];
}

/** `conformance: N/N identical`, then a table of every mismatch (case, item, field, go, modgate). */
export function formatReport(results: readonly CaseResult[]): string {
  const identical = results.filter((r) => r.mismatches.length === 0);
  const checks = results.reduce((n, r) => n + r.checks, 0);
  const lines = [`conformance: ${identical.length}/${results.length} identical (${checks} checks)`];
  const slowest = [...results].sort((a, b) => b.modgateMs - a.modgateMs).slice(0, 3);
  lines.push(`  slowest through modgate: ${slowest.map((r) => `${r.name} ${(r.modgateMs / 1000).toFixed(1)} s`).join(', ')}`);
  for (const r of results.filter((x) => x.expectDifference !== undefined)) {
    lines.push(`  expected difference, compared with a hand-written expectation: ${r.name}: ${r.expectDifference}`);
  }
  const mismatches = results.flatMap((r) => r.mismatches);
  if (mismatches.length > 0) {
    lines.push('', 'case | item | field | go | modgate', '--- | --- | --- | --- | ---');
    for (const m of mismatches) lines.push([m.case, m.item, m.field, oneLine(m.go), oneLine(m.modgate)].join(' | '));
  }
  return lines.join('\n');
}

/** The oracle's answers per case, one line per list and query (for `CONFORMANCE_VERBOSE=1`). */
export function formatDirect(setup: ConformanceSetup): string {
  const lines: string[] = [];
  for (const c of setup.cases) {
    lines.push(`# ${c.def.name}`);
    for (const module of c.built.modules) {
      const list = c.direct?.lists.get(module.path);
      lines.push(`  ${module.path} list: ${list?.error ? `error: ${oneLine(list.error)}` : (list?.versions ?? []).join(' ')}`);
      for (const spec of module.queries) {
        const key = queryKey(module.path, spec.query);
        for (const [kind, r] of [['download', c.direct?.downloads.get(key)], ['stat', c.direct?.stats.get(key)]] as const) {
          if (!r) continue;
          const shown = r.error ? `error: ${oneLine(r.error, 400)}` : `${r.version} ${r.time ?? ''} ${r.sum ?? ''}`;
          lines.push(`  @${spec.query} ${kind}: ${shown}`);
        }
      }
    }
  }
  return lines.join('\n');
}

function countChecks(built: BuiltCase): number {
  return built.modules.reduce((n, m) => n + 2 + m.queries.length + m.queries.filter((q) => q.stat !== undefined).length, 0);
}

/** Maps `items` with at most `limit` calls of `fn` running at once; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
