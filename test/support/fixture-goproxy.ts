import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitAll, checkout, initRepo, makeGitInsteadOfConfig, repoDirFor, tag, writeFiles } from './git-fixtures.js';
import { goEnv, goModDownloadJsonAll } from './go.js';
import { buildOncePerRun } from './run-fixtures.js';

/** One module version present in the fixture GOPROXY tree, as the go command reported it. */
export interface FixtureModule {
  /** Module path, e.g. `github.com/Fixture/UpperCase`. */
  path: string;
  /** Canonical version, e.g. `v1.0.0` or a pseudo-version. */
  version: string;
  /** `h1:` hash of the zip (the go.sum line `<path> <version> <sum>`). */
  sum: string;
  /** `h1:` hash of the .mod (the go.sum line `<path> <version>/go.mod <goModSum>`). */
  goModSum: string;
  /** Path as laid out on disk and in URLs: upper-case letters become `!` + lower-case. */
  escapedPath: string;
  /** The query it was downloaded by when that was not the version itself (`main`). */
  query?: string;
  /** Commit hash the version was built from (the .info `Origin.Hash`). */
  commit: string;
  /** Absolute paths of the version's files in the tree. */
  files: { info: string; mod: string; zip: string };
}

/** A GOPROXY directory tree made by the real go command from local fixture git repositories. */
export interface FixtureGoproxy {
  /** `<modcache>/cache/download`: serve it (`GOPROXY=file://<root>` or startStaticServer(root)). */
  root: string;
  /** `file://<root>` */
  url: string;
  /** Fixture repositories: `<reposRoot>/<org>/<repo>` for `github.com/<org>/<repo>`. */
  reposRoot: string;
  /** GIT_CONFIG_GLOBAL that maps https://github.com/ to reposRoot (see makeGitInsteadOfConfig). */
  gitConfigPath: string;
  /** Every version in the tree. */
  modules: FixtureModule[];
  /**
   * Module path -> the `@v/list` file's versions as Go 1.19 wrote it: every version with a cached
   * .mod, sorted, pseudo-versions included (the go command ignores those when reading a list).
   */
  lists: Record<string, string[]>;
  /** Module path -> its tagged (non-pseudo) versions in the tree, sorted. */
  tags: Record<string, string[]>;
  /** github.com/fixture/gamma@main, a pseudo-version `v0.1.1-0.<yyyymmddhhmmss>-<hash12>`. */
  pseudo: FixtureModule;
}

/** The fixture module paths. */
export const FIXTURE_MODULES = {
  alpha: 'github.com/fixture/alpha',
  upperCase: 'github.com/Fixture/UpperCase',
  betaV2: 'github.com/fixture/beta/v2',
  nomod: 'github.com/fixture/nomod',
  gamma: 'github.com/fixture/gamma',
} as const;

/** Committer date of gamma's untagged commit on main, hence the pseudo-version's timestamp. */
export const GAMMA_MAIN_DATE = '2024-01-10T12:00:00Z';

/**
 * Builds the fixture repositories under `<dir>/repos` and downloads them with the real go command
 * in direct mode (`GOPRIVATE=github.com GOPROXY=direct`, git redirected by insteadOf) into
 * `<dir>/modcache`, so `<dir>/modcache/cache/download` is a genuine GOPROXY tree:
 *
 * - github.com/fixture/alpha v1.0.0, v1.1.0 (annotated tag), v1.2.0-rc.1
 * - github.com/Fixture/UpperCase v0.3.0 (on disk `github.com/!fixture/!upper!case`)
 * - github.com/fixture/beta/v2 v2.0.0, v2.1.0 (repo `beta`, major branch `v2`; main holds an untagged v1 go.mod)
 * - github.com/fixture/nomod v1.0.0, v1.0.1 (no go.mod: go synthesizes `module github.com/fixture/nomod\n`)
 * - github.com/fixture/gamma v0.1.0 and `@main`, one commit past v0.1.0 (a pseudo-version)
 *
 * Dates and identities are fixed, so commits, hashes and the pseudo-version are the same on every run;
 * in a jest run the go command builds it once and every later suite gets a copy (see buildOncePerRun).
 */
export async function buildFixtureGoproxy(dir: string): Promise<FixtureGoproxy> {
  const fixture = await buildOncePerRun('fixture-goproxy', dir, ['repos', 'modcache/cache/download'], buildFixtureGoproxyFresh);
  await makeGitInsteadOfConfig(fixture.gitConfigPath, fixture.reposRoot);
  return fixture;
}

/** {@link buildFixtureGoproxy} without the run's shared copy: always runs git and the go command. */
export async function buildFixtureGoproxyFresh(dir: string): Promise<FixtureGoproxy> {
  const reposRoot = join(dir, 'repos');
  const gitConfigPath = join(dir, 'gitconfig');
  const modcache = join(dir, 'modcache');
  await makeGitInsteadOfConfig(gitConfigPath, reposRoot);
  const repo = (modulePath: string): string => repoDirFor(reposRoot, modulePath);

  const alpha = repo(FIXTURE_MODULES.alpha);
  await initRepo(alpha);
  await writeFiles(alpha, {
    'go.mod': 'module github.com/fixture/alpha\n\ngo 1.19\n',
    'alpha.go': 'package alpha\n\n// Version is the fixture version.\nconst Version = "v1.0.0"\n',
    'LICENSE': 'Fixture license.\n',
    'sub/sub.go': 'package sub\n',
  });
  await commitAll(alpha, 'alpha v1.0.0', '2024-01-01T00:00:00Z');
  await tag(alpha, 'v1.0.0');
  await writeFiles(alpha, { 'alpha.go': 'package alpha\n\n// Version is the fixture version.\nconst Version = "v1.1.0"\n' });
  await commitAll(alpha, 'alpha v1.1.0', '2024-01-02T00:00:00Z');
  await tag(alpha, 'v1.1.0', { annotated: true, message: 'alpha v1.1.0' });
  await writeFiles(alpha, { 'alpha.go': 'package alpha\n\n// Version is the fixture version.\nconst Version = "v1.2.0-rc.1"\n' });
  await commitAll(alpha, 'alpha v1.2.0-rc.1', '2024-01-03T00:00:00Z');
  await tag(alpha, 'v1.2.0-rc.1');

  const upper = repo(FIXTURE_MODULES.upperCase);
  await initRepo(upper);
  await writeFiles(upper, {
    'go.mod': 'module github.com/Fixture/UpperCase\n\ngo 1.19\n',
    'upper.go': 'package uppercase\n',
  });
  await commitAll(upper, 'UpperCase v0.3.0', '2024-01-01T00:00:00Z');
  await tag(upper, 'v0.3.0');

  const beta = repo(FIXTURE_MODULES.betaV2);
  await initRepo(beta);
  await writeFiles(beta, { 'go.mod': 'module github.com/fixture/beta\n\ngo 1.19\n', 'beta.go': 'package beta\n' });
  await commitAll(beta, 'beta v1 (untagged)', '2024-01-01T00:00:00Z');
  await checkout(beta, 'v2', { create: true });
  await writeFiles(beta, { 'go.mod': 'module github.com/fixture/beta/v2\n\ngo 1.19\n' });
  await commitAll(beta, 'beta v2.0.0', '2024-01-05T00:00:00Z');
  await tag(beta, 'v2.0.0');
  await writeFiles(beta, { 'beta.go': 'package beta\n\n// Two is new in v2.1.0.\nconst Two = 2\n' });
  await commitAll(beta, 'beta v2.1.0', '2024-01-06T00:00:00Z');
  await tag(beta, 'v2.1.0');
  await checkout(beta, 'main');

  const nomod = repo(FIXTURE_MODULES.nomod);
  await initRepo(nomod);
  await writeFiles(nomod, { 'nomod.go': 'package nomod\n', 'README.md': '# nomod\n' });
  await commitAll(nomod, 'nomod v1.0.0', '2024-01-01T00:00:00Z');
  await tag(nomod, 'v1.0.0');
  await writeFiles(nomod, { 'nomod.go': 'package nomod\n\n// Fixed in v1.0.1.\nconst Fixed = true\n' });
  await commitAll(nomod, 'nomod v1.0.1', '2024-01-02T00:00:00Z');
  await tag(nomod, 'v1.0.1');

  const gamma = repo(FIXTURE_MODULES.gamma);
  await initRepo(gamma);
  await writeFiles(gamma, { 'go.mod': 'module github.com/fixture/gamma\n\ngo 1.19\n', 'gamma.go': 'package gamma\n' });
  await commitAll(gamma, 'gamma v0.1.0', '2024-01-01T00:00:00Z');
  await tag(gamma, 'v0.1.0');
  await writeFiles(gamma, { 'gamma.go': 'package gamma\n\n// Unreleased is only on main.\nconst Unreleased = true\n' });
  const gammaMain = await commitAll(gamma, 'gamma: unreleased change', GAMMA_MAIN_DATE);

  const wanted: Array<[string, string]> = [
    [FIXTURE_MODULES.alpha, 'v1.0.0'],
    [FIXTURE_MODULES.alpha, 'v1.1.0'],
    [FIXTURE_MODULES.alpha, 'v1.2.0-rc.1'],
    [FIXTURE_MODULES.upperCase, 'v0.3.0'],
    [FIXTURE_MODULES.betaV2, 'v2.0.0'],
    [FIXTURE_MODULES.betaV2, 'v2.1.0'],
    [FIXTURE_MODULES.nomod, 'v1.0.0'],
    [FIXTURE_MODULES.nomod, 'v1.0.1'],
    [FIXTURE_MODULES.gamma, 'v0.1.0'],
    [FIXTURE_MODULES.gamma, 'main'],
  ];
  const env = directGoEnv({ gitConfigPath }, join(dir, 'home'), modcache);
  const results = await goModDownloadJsonAll(
    wanted.map(([path, query]) => `${path}@${query}`),
    env,
  );
  const failed = results.filter((r) => r.Error !== undefined);
  if (failed.length > 0 || results.length !== wanted.length) {
    throw new Error(`fixture download failed:\n${JSON.stringify(results, null, 2)}`);
  }

  const root = join(modcache, 'cache', 'download');
  const modules: FixtureModule[] = results.map((r) => {
    if (!r.Sum || !r.GoModSum || !r.Info || !r.GoMod || !r.Zip || !r.Origin?.Hash) {
      throw new Error(`incomplete go mod download -json result: ${JSON.stringify(r)}`);
    }
    return {
      path: r.Path,
      version: r.Version,
      sum: r.Sum,
      goModSum: r.GoModSum,
      escapedPath: escapeModulePath(r.Path),
      ...(r.Query !== undefined && r.Query !== r.Version ? { query: r.Query } : {}),
      commit: r.Origin.Hash,
      files: { info: r.Info, mod: r.GoMod, zip: r.Zip },
    };
  });

  const pseudo = modules.find((m) => m.path === FIXTURE_MODULES.gamma && m.query === 'main');
  const expectedPseudo = `v0.1.1-0.${GAMMA_MAIN_DATE.replace(/\D/g, '')}-${gammaMain.slice(0, 12)}`;
  if (!pseudo || pseudo.version !== expectedPseudo) {
    throw new Error(`gamma@main: expected ${expectedPseudo}, go reported ${pseudo?.version ?? 'nothing'}`);
  }

  const lists: Record<string, string[]> = {};
  const tags: Record<string, string[]> = {};
  for (const modulePath of Object.values(FIXTURE_MODULES)) {
    const versions = modules.filter((m) => m.path === modulePath).map((m) => m.version);
    tags[modulePath] = versions.filter((v) => v !== pseudo.version).sort(compareSemver);
    const listFile = join(root, escapeModulePath(modulePath), '@v', 'list');
    // Go 1.19 rewrites @v/list whenever it caches a .mod (modfetch.rewriteVersionList): every cached
    // version, pseudo-versions included. Should a go release stop doing so, write it from the tags.
    if (!(await exists(listFile))) await writeFile(listFile, tags[modulePath].map((v) => `${v}\n`).join(''));
    const listed = (await readFile(listFile, 'utf8')).split('\n').filter(Boolean);
    const missing = tags[modulePath].filter((v) => !listed.includes(v));
    if (missing.length > 0) throw new Error(`${listFile} lacks ${missing.join(', ')}: ${listed.join(' ')}`);
    lists[modulePath] = listed;
  }

  return { root, url: `file://${root}`, reposRoot, gitConfigPath, modules, lists, tags, pseudo };
}

/**
 * The go command's environment for reading the fixture repositories directly (the oracle for
 * modules built from git): `GOPRIVATE=github.com GOPROXY=direct GOSUMDB=off`, git redirected by
 * the fixture's insteadOf config. `home` holds GOPATH and GOCACHE; the module cache is
 * `gomodcache` (default `<home>/go/pkg/mod`). Add tags to the repositories, then
 * `goModDownloadJson(path@version, directGoEnv(fixture, home))` gives the expected Sum.
 */
export function directGoEnv(fixture: Pick<FixtureGoproxy, 'gitConfigPath'>, home: string, gomodcache?: string): Record<string, string> {
  return goEnv({ home, goproxy: 'direct', gomodcache, gitConfig: fixture.gitConfigPath, goprivate: 'github.com' });
}

/** Module path escaping of the GOPROXY protocol and module cache: `A` -> `!a`. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Orders vMAJOR.MINOR.PATCH[-pre] versions (enough for the fixture: numeric core, then pre-releases first). */
function compareSemver(a: string, b: string): number {
  const parse = (v: string): [number[], string] => {
    const [core = '', pre = ''] = v.slice(1).split(/-(.*)/s);
    return [core.split('.').map(Number), pre];
  };
  const [coreA, preA] = parse(a);
  const [coreB, preB] = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (coreA[i] ?? 0) - (coreB[i] ?? 0);
    if (d !== 0) return d;
  }
  if (preA === preB) return 0;
  if (preA === '') return 1;
  if (preB === '') return -1;
  return preA < preB ? -1 : 1;
}
