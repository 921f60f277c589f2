import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { execFileText } from './exec.js';

/** Author and committer of every fixture commit and tagger of every annotated tag. */
export const FIXTURE_GIT_USER = { name: 'Fixture Bot', email: 'fixture@example.com' } as const;

/** The default date of initial commits: fixed, so commit hashes and pseudo-versions are stable. */
export const FIXTURE_EPOCH = '2024-01-01T00:00:00Z';

/**
 * The environment for fixture git commands: no host or user git config, fixed identity, UTC.
 * `date` (ISO 8601) becomes both the author and the committer date.
 */
export function gitFixtureEnv(date: string = FIXTURE_EPOCH): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    LANG: 'C',
    TZ: 'UTC',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: FIXTURE_GIT_USER.name,
    GIT_AUTHOR_EMAIL: FIXTURE_GIT_USER.email,
    GIT_COMMITTER_NAME: FIXTURE_GIT_USER.name,
    GIT_COMMITTER_EMAIL: FIXTURE_GIT_USER.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

/** Runs `git <args>` in `dir` with the fixture environment; resolves with trimmed stdout. */
export async function git(dir: string, args: readonly string[], date?: string): Promise<string> {
  const result = await execFileText('git', args, { cwd: dir, env: gitFixtureEnv(date), timeoutMs: 30_000 });
  return result.stdout.trim();
}

/** `git init` in `dir` (created if missing) on branch `main`, with signing off. */
export async function initRepo(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, ['-c', 'init.defaultBranch=main', 'init', '-q']);
  for (const [key, value] of [
    ['commit.gpgsign', 'false'],
    ['tag.gpgsign', 'false'],
    ['core.autocrlf', 'false'],
    ['user.name', FIXTURE_GIT_USER.name],
    ['user.email', FIXTURE_GIT_USER.email],
  ] as const) {
    await git(dir, ['config', key, value]);
  }
}

/** Writes files (paths relative to `dir`, `/`-separated, parents created); refuses paths leaving `dir`. */
export async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const target = resolve(dir, name);
    const rel = relative(resolve(dir), target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`writeFiles: ${name} is outside ${dir}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Stages everything (additions, changes, deletions) and commits at `isoDate`; returns the commit hash. */
export async function commitAll(dir: string, message: string, isoDate: string = FIXTURE_EPOCH): Promise<string> {
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '--allow-empty', '--no-verify', '-m', message], isoDate);
  return revParse(dir, 'HEAD');
}

export interface TagOptions {
  /** Annotated tag (`git tag -a`) instead of a lightweight one. */
  annotated?: boolean;
  /** Message of an annotated tag (default: the tag name). */
  message?: string;
  /** What to tag (default HEAD). */
  ref?: string;
  /** Move an existing tag (`-f`), e.g. to test that served versions stay immutable. */
  force?: boolean;
  /** Tagger date of an annotated tag (default: the tagged commit's committer date). */
  date?: string;
}

/** Creates tag `name` on `ref` (default HEAD). */
export async function tag(dir: string, name: string, opts: TagOptions = {}): Promise<void> {
  const ref = opts.ref ?? 'HEAD';
  const args = ['tag'];
  if (opts.force) args.push('-f');
  if (opts.annotated) args.push('-a', '-m', opts.message ?? name);
  args.push(name, ref);
  const date = opts.date ?? (await git(dir, ['log', '-1', '--format=%cI', ref]));
  await git(dir, args, date);
}

/** Deletes tag `name`. */
export async function deleteTag(dir: string, name: string): Promise<void> {
  await git(dir, ['tag', '-d', name]);
}

/** Creates branch `name` at `startPoint` (default HEAD) without checking it out. */
export async function branch(dir: string, name: string, startPoint = 'HEAD'): Promise<void> {
  await git(dir, ['branch', name, startPoint]);
}

/** Checks out `ref`; with `create`, creates branch `ref` from HEAD first (`checkout -b`). */
export async function checkout(dir: string, ref: string, opts: { create?: boolean } = {}): Promise<void> {
  await git(dir, opts.create ? ['checkout', '-q', '-b', ref] : ['checkout', '-q', ref]);
}

/**
 * The full hash `ref` names (`git rev-parse --verify`). An annotated tag names its tag object:
 * use `<tag>^{commit}` for the commit.
 */
export async function revParse(dir: string, ref: string): Promise<string> {
  return git(dir, ['rev-parse', '--verify', '--end-of-options', ref]);
}

/**
 * Where the repository of a `github.com/<org>/<repo>[/...]` module path lives under `reposRoot`
 * when git is configured by {@link makeGitInsteadOfConfig}. Case is kept: `github.com/Acme/Widget`
 * is `<reposRoot>/Acme/Widget`.
 */
export function repoDirFor(reposRoot: string, modulePath: string): string {
  const [host, org, repo] = modulePath.split('/');
  if (host !== 'github.com' || !org || !repo) throw new Error(`repoDirFor: not a github.com/<org>/<repo> path: ${modulePath}`);
  return join(reposRoot, org, repo);
}

/**
 * Writes a git config file (use it as GIT_CONFIG_GLOBAL) that maps `https://github.com/<org>/<repo>`
 * to `file://<reposRoot>/<org>/<repo>` and allows the file protocol (git >= 2.38.1 restricts it),
 * so `GOPRIVATE=github.com GOPROXY=direct go mod download` reads local fixture repositories:
 * github.com paths need no `?go-get=1` discovery. Also sets the fixture identity and trusts every
 * directory (safe.directory) so repositories made by another user can be read.
 */
export async function makeGitInsteadOfConfig(path: string, reposRoot: string): Promise<void> {
  if (!isAbsolute(reposRoot) || /["\\\n]/.test(reposRoot)) {
    throw new Error(`makeGitInsteadOfConfig: reposRoot must be absolute, without quotes or backslashes: ${reposRoot}`);
  }
  const root = reposRoot.endsWith('/') ? reposRoot : `${reposRoot}/`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(
    path,
    [
      '[user]',
      `\tname = ${FIXTURE_GIT_USER.name}`,
      `\temail = ${FIXTURE_GIT_USER.email}`,
      `[url "file://${root}"]`,
      '\tinsteadOf = https://github.com/',
      '[protocol "file"]',
      '\tallow = always',
      '[safe]',
      '\tdirectory = *',
      '[init]',
      '\tdefaultBranch = main',
      '[commit]',
      '\tgpgsign = false',
      '',
    ].join('\n'),
  );
}
