import type { ModuleSpec, Prediction, QuerySpec, ZipPrediction } from './case-types.js';
import type { FixtureRepo } from './fixture-repo.js';

/** A go.mod declaring `path`, with a `go 1.16` line and optional extra lines. */
export function gomod(path: string, extra = '', goVersion = '1.16'): string {
  return `module ${path}\n\ngo ${goVersion}\n${extra}`;
}

/** The legacy `.mod` the go command synthesises for a module without a go.mod. */
export function legacyMod(path: string): string {
  return `module ${path}\n`;
}

/** A predicted failure whose direct-mode message matches `pattern`. */
export function fails(pattern: RegExp): Prediction {
  return { error: pattern };
}

/** `go mod download <M>@<query>` predicted to resolve to `version` (default: the query itself). */
export function q(query: string, version: string | Prediction = query, extra: Partial<QuerySpec> = {}): QuerySpec {
  return { query, download: version, ...extra };
}

/** A query whose zip must fail while `.info` and `.mod` succeed (`go list -m` resolves it). */
export function zipFails(query: string, version: string, zipError: RegExp): QuerySpec {
  return { query, download: fails(zipError), stat: version };
}

/** A zip predicted to hold exactly `files` (read raw from git unless given in `content`). */
export function zipOf(files: string[], content: Record<string, string | Buffer> = {}): ZipPrediction {
  return { files, content };
}

/**
 * A module of `repo`: `suffix` is appended to the repository's path (`sub`, `v2`, `sub/v2`) and
 * `dir` is where its files are (default `''`, the root).
 */
export function moduleSpec(
  repo: FixtureRepo,
  list: ModuleSpec['list'],
  queries: QuerySpec[],
  opts: { suffix?: string; dir?: string } = {},
): ModuleSpec {
  const path = opts.suffix ? `${repo.path}/${opts.suffix}` : repo.path;
  return { path, repo, dir: opts.dir ?? '', list, queries };
}
