import type { FixtureRepo } from './fixture-repo.js';

/** What the spec predicts the go command (direct mode) answers: a version, or a failure. */
export type Prediction = string | { error: RegExp };

/**
 * The files a module zip holds, relative to the module directory. Contents are read raw from the
 * repository at the resolved version's commit (`git cat-file`), except those given in `content`
 * (a root LICENSE copied into a subdirectory module, CRLF from `eol=crlf`, expanded `$Id$`).
 */
export interface ZipPrediction {
  files: string[];
  content: Record<string, string | Buffer>;
}

/** One `<module>@<query>` the suite asks both ways. */
export interface QuerySpec {
  /** The text after `@`: a version, `latest`, a branch, a hash prefix, a pseudo-version, an odd tag. */
  query: string;
  /** `go mod download -json` in direct mode: the Version it resolves to, or a failure. */
  download: Prediction;
  /**
   * Also ask `go list -m -json` (`.info` and `.mod` only, no zip) and predict its answer — for
   * versions whose zip must fail while `.info` and `.mod` still succeed.
   */
  stat?: Prediction;
  /** The `.mod` bytes the spec predicts (e.g. the synthesised `module <M>\n` of a legacy module). */
  mod?: string;
  /** The zip's file set as the spec predicts it for the oracle (checked through its `h1:` hash). */
  zip?: ZipPrediction;
  /**
   * Only in a case with `expectDifference`: the zip modgate must serve (newest go rule), written
   * by hand; modgate's `Sum` is compared with its hash instead of the oracle's.
   */
  modgateZip?: ZipPrediction;
}

/** A module path of a case and what to ask about it. */
export interface ModuleSpec {
  /** Full module path, e.g. `github.com/conf/subdir/sub/v2`. */
  path: string;
  /** The repository holding it (for reading predicted zip contents). */
  repo: FixtureRepo;
  /** Directory of the module inside the repository (`''` at the root, `v2` for a major subdirectory). */
  dir: string;
  /**
   * The `Versions` direct `go list -m -versions -retracted` predicts (the `@v/list` content,
   * sorted), or its failure (a repository that does not exist).
   */
  list: string[] | { error: RegExp };
  queries: QuerySpec[];
}

/** A built case: its modules and queries, with hashes and pseudo-versions filled in. */
export interface BuiltCase {
  modules: ModuleSpec[];
}

/** One conformance case: builds its repositories and says what to ask. */
export interface ConformanceCase {
  /** Unique kebab-case name; also the name of its repository. */
  name: string;
  /** One line for the report: what the case covers. */
  about: string;
  /**
   * Set when modgate must differ from the oracle (Go 1.19) on purpose: the reason. Queries with a
   * `modgateZip` are then compared with that hand-written expectation instead of the oracle's Sum.
   */
  expectDifference?: string;
  build(ctx: BuildContext): Promise<BuiltCase>;
}

/** Passed to {@link ConformanceCase.build}. */
export interface BuildContext {
  /** Creates the repository `<reposRoot>/conf/<name>` (module path `github.com/conf/<name>`). */
  repo(name: string): Promise<FixtureRepo>;
}
