import { randomBytes } from 'node:crypto';
import { access, appendFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { GoModError, type ArchiveEntry, type CommitInfo, type RepoReader, type RepoRefs } from '#gomod';
import { timeGitRemote } from '#metrics';
import { ARCHIVE_ATTRIBUTES_LINE, ARCHIVE_CONFIG, archiveEntries } from './git-archive.js';
import { FOR_EACH_REF_FORMAT, parseForEachRef, parseLsTree, parseSymrefHead, type GitTreeEntry } from './git-parse.js';
import type { GitProcessPool, GitRunOptions, GitRunResult } from './git-process-pool.js';
import { secretsOfAuthHeader } from './redact.js';
import { Semaphore } from './semaphore.js';

/**
 * Credentials for the remote: one HTTP header, e.g. `Authorization: Bearer <token>`, or a function
 * giving it, called at each fetch (so a rotated secret takes effect without a restart).
 */
export interface GitMirrorAuth {
  header: string | (() => string | Promise<string>);
}

export interface GitMirrorOptions {
  /** The remote repository (https://, http://, ssh, file://); without credentials in it. */
  url: string;
  /** The bare mirror's directory, e.g. `<dataDir>/git/<sha256 of url>.git`; its parent is git's HOME. */
  dir: string;
  auth?: GitMirrorAuth;
  /** The server-wide bound on git processes. */
  pool: GitProcessPool;
  /** Kill a git command (a fetch, or a whole archive stream) after this long. Default 10 minutes. */
  timeoutMs?: number;
}

/** A read was attempted on a mirror that does not exist on disk (never fetched, or invalidated). */
export class MirrorNotFetchedError extends Error {
  override readonly name = 'MirrorNotFetchedError';
}

/** HEAD of a mirror whose remote has no default branch: a symref that never resolves. */
const NO_HEAD = 'refs/modgate/no-head';
const EMPTY_FINGERPRINT = fingerprint('', NO_HEAD);
const FETCH_REFSPECS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
const HEX = /^[0-9a-f]+$/;
const FULL_HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** One lock per mirror directory, shared by every GitMirror object on it. */
const repoLocks = new Map<string, Semaphore>();

interface GitCallOptions {
  /** The repository, when not `dir` (the first fetch works in `<dir>.partial`). */
  gitDir?: string;
  env?: Record<string, string>;
  secrets?: readonly string[];
  okCodes?: readonly number[];
  input?: string;
}

interface RefsSnapshot {
  /** for-each-ref output plus HEAD's target: equal snapshots mean nothing changed. */
  fingerprint: string;
  refs: RepoRefs;
}

/**
 * A bare mirror of one remote repository on local disk, fetched incrementally, and read without
 * the network as a {@link RepoReader}. At most one git process runs on a mirror at a time, and each
 * goes through the shared pool. The directory is a cache: delete it (or call `invalidate`) at any
 * time and the next `fetch` rebuilds it.
 */
export class GitMirror implements RepoReader {
  readonly url: string;
  readonly dir: string;
  private readonly pool: GitProcessPool;
  private readonly timeoutMs: number;
  private readonly lock: Semaphore;
  private readonly auth: GitMirrorAuth | undefined;
  private fetches = 0;
  private snapshot: RefsSnapshot | undefined;
  private commits: string[] | undefined;
  private attributesReady = false;

  constructor(options: GitMirrorOptions) {
    if (hasPassword(options.url)) throw new Error('git mirror: the remote URL carries a password; pass credentials as auth');
    this.url = options.url;
    this.dir = resolve(options.dir);
    this.pool = options.pool;
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
    let lock = repoLocks.get(this.dir);
    if (!lock) repoLocks.set(this.dir, (lock = new Semaphore(1)));
    this.lock = lock;
    this.auth = options.auth;
  }

  /** How many times `fetch` has contacted the remote (failed attempts included). */
  get fetchCount(): number {
    return this.fetches;
  }

  /**
   * Brings the mirror up to date with the remote: creates it on first use, otherwise fetches
   * incrementally (pruning deleted branches and tags, following moved ones) and re-reads the
   * remote's default branch. `changed` tells whether any branch, tag or HEAD changed.
   */
  fetch(): Promise<{ changed: boolean }> {
    return this.lock.use(async () => {
      this.fetches++;
      const fresh = !(await this.exists());
      return timeGitRemote(fresh ? 'clone' : 'fetch', () => this.fetchLocked(fresh));
    });
  }

  /** `fetch` under the mirror's lock; `fresh`: the mirror is not on disk yet (a clone). */
  private async fetchLocked(fresh: boolean): Promise<{ changed: boolean }> {
    if (fresh) this.forget();
    const before = fresh ? EMPTY_FINGERPRINT : (this.snapshot ?? (await this.loadRefs())).fingerprint;
    // Until its first fetch succeeds, the mirror lives in `<dir>.partial`: `dir` exists only
    // complete, and a failed first fetch is continued by the next one.
    const gitDir = fresh ? await this.partialMirror() : this.dir;
    const network = { ...(await this.networkOptions()), gitDir };
    const remoteHead = await this.git(['ls-remote', '--symref', 'origin', 'HEAD'], network);
    await this.git(['fetch', '--quiet', '--prune', '--prune-tags', '--no-write-fetch-head', 'origin'], network);
    const head = parseSymrefHead(remoteHead.stdout.toString('utf8'));
    const target = head?.startsWith('refs/heads/') ? head : NO_HEAD;
    if (fresh || target !== (await this.headTarget())) await this.git(['symbolic-ref', 'HEAD', target], { gitDir });
    if (fresh) {
      await rm(this.dir, { recursive: true, force: true });
      await rename(gitDir, this.dir);
    }
    this.commits = undefined;
    this.snapshot = await this.loadRefs();
    return { changed: this.snapshot.fingerprint !== before };
  }

  /**
   * Whether the remote's branches or tags differ from the mirror's (`git ls-remote` against the
   * local refs): cheap, so a poller can tell whether a fetch is needed. Needs a fetched mirror.
   */
  remoteChanged(): Promise<boolean> {
    return this.lock.use(async () => {
      await this.assertFetched();
      const network = { ...(await this.networkOptions()), gitDir: this.dir };
      const remote = (await timeGitRemote('ls_remote', () => this.git(['ls-remote', 'origin', 'refs/heads/*', 'refs/tags/*'], network))).stdout.toString('utf8');
      const local = (await this.git(['for-each-ref', '--format=%(objectname)\t%(refname)', 'refs/heads/', 'refs/tags/'], { gitDir: this.dir })).stdout.toString('utf8');
      const lines = (text: string) => text.split('\n').filter((line) => line && !line.endsWith('^{}')).sort().join('\n');
      return lines(remote) !== lines(local);
    });
  }

  /** Whether the mirror is on disk (fetched at least once, and not deleted since). */
  exists(): Promise<boolean> {
    return exists(join(this.dir, 'HEAD'));
  }

  /** Deletes the mirror from disk; the next `fetch` starts over. */
  invalidate(): Promise<void> {
    return this.lock.use(async () => {
      this.forget();
      await rm(this.dir, { recursive: true, force: true });
    });
  }

  /** Branches, peeled tags and HEAD of the mirror as of the last fetch. */
  async refs(): Promise<RepoRefs> {
    this.snapshot ??= await this.locked(() => this.loadRefs());
    const { refs } = this.snapshot;
    return {
      head: refs.head,
      headBranch: refs.headBranch,
      tags: new Map(refs.tags),
      branches: new Map(refs.branches),
      tagObjects: new Map(refs.tagObjects),
    };
  }

  /** Hash and committer time of the commit `hash`; null when the mirror has no such commit. */
  async commit(hash: string): Promise<CommitInfo | null> {
    if (!FULL_HASH.test(hash)) return null;
    const { stdout, code } = await this.locked(() => this.git(['log', '-1', '--format=%H %ct', hash, '--'], { okCodes: [0, 128] }));
    const [found, seconds] = stdout.toString('utf8').trim().split(' ');
    // log peels a tag object to its commit and prints nothing for a tree: neither is `hash`.
    if (code !== 0 || found !== hash || seconds === undefined) return null;
    return { hash, time: new Date(Number(seconds) * 1000) };
  }

  async resolveCommitPrefix(prefix: string): Promise<string | null> {
    if (!HEX.test(prefix) || prefix.length > 64) return null;
    const commits = await this.reachableCommits();
    let lo = 0;
    let hi = commits.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((commits[mid] ?? '') < prefix) lo = mid + 1;
      else hi = mid;
    }
    const first = commits[lo];
    if (first === undefined || !first.startsWith(prefix)) return null;
    if (commits[lo + 1]?.startsWith(prefix)) throw new GoModError(`ambiguous revision ${prefix}`);
    return first;
  }

  async readFile(commit: string, path: string): Promise<Buffer | null> {
    if (!HEX.test(commit) || path === '' || path.startsWith('/') || /[\0\n]/.test(path)) return null;
    const { stdout, code } = await this.locked(() => this.git(['cat-file', 'blob', `${commit}:${path}`], { okCodes: [0, 128] }));
    return code === 0 ? stdout : null;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (!HEX.test(ancestor) || !HEX.test(descendant)) return false;
    // A tag may name a tree or a blob: merge-base refuses those (exit 128); neither is an ancestor.
    const { code } = await this.locked(() => this.git(['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [0, 1, 128] }));
    return code === 0;
  }

  /** Blobs, symlinks and gitlinks below `dir` at `commit`, with git's object type and hash as well. */
  async listTree(commit: string, dir: string): Promise<GitTreeEntry[]> {
    if (!HEX.test(commit)) throw new TypeError(`listTree: invalid commit hash ${JSON.stringify(commit)}`);
    const base = dir.replace(/\/+$/, '');
    const args = ['ls-tree', '-r', '-l', '-z', '--full-tree', commit, ...(base ? ['--', base] : [])];
    const { stdout } = await this.locked(() => this.git(args));
    return parseLsTree(stdout).filter((entry) => base === '' || entry.path.startsWith(`${base}/`));
  }

  /**
   * The files of `git archive <commit> [-- <dir>]` exactly as cmd/go gets them (see
   * ARCHIVE_ATTRIBUTES_LINE), streamed one at a time. The mirror stays locked until the iteration
   * ends: finish it (or break out) before calling other methods of this mirror.
   */
  async *archive(commit: string, dir: string): AsyncGenerator<ArchiveEntry> {
    if (!HEX.test(commit)) throw new TypeError(`archive: invalid commit hash ${JSON.stringify(commit)}`);
    const base = dir.replace(/\/+$/, '');
    const release = await this.lock.acquire();
    let stdout: Readable | undefined;
    try {
      await this.assertFetched();
      await this.ensureArchiveAttributes();
      const args = [...ARCHIVE_CONFIG, 'archive', '--format=tar', commit, ...(base ? ['--', base] : [])];
      stdout = await this.pool.spawnStream(args, this.runOptions({}));
      yield* archiveEntries(stdout);
    } finally {
      if (stdout) await closeStream(stdout);
      release();
    }
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.use(async () => {
      await this.assertFetched();
      return fn();
    });
  }

  private git(args: readonly string[], opts: GitCallOptions = {}): Promise<GitRunResult> {
    return this.pool.run(args, this.runOptions(opts));
  }

  private runOptions(opts: GitCallOptions): GitRunOptions {
    const gitDir = opts.gitDir ?? this.dir;
    return {
      cwd: gitDir,
      env: {
        HOME: dirname(this.dir),
        GIT_DIR: gitDir,
        GIT_LITERAL_PATHSPECS: '1',
        GIT_NO_REPLACE_OBJECTS: '1',
        ...opts.env,
      },
      input: opts.input,
      timeoutMs: this.timeoutMs,
      secrets: opts.secrets,
      okCodes: opts.okCodes,
    };
  }

  /** The auth header goes in through the environment (git 2.31+): not argv (`ps` shows it), not disk. */
  private async networkOptions(): Promise<GitCallOptions> {
    if (!this.auth) return {};
    const { header } = this.auth;
    const value = typeof header === 'string' ? header : await header();
    return {
      env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: value },
      secrets: secretsOfAuthHeader(value),
    };
  }

  private async loadRefs(): Promise<RefsSnapshot> {
    const listing = (await this.git(['for-each-ref', `--format=${FOR_EACH_REF_FORMAT}`, 'refs/heads/', 'refs/tags/'])).stdout.toString('utf8');
    const lines = parseForEachRef(listing);
    const nested = lines.filter((line) => line.nestedTag);
    if (nested.length > 0) {
      // A tag of a tag: for-each-ref's `*` peels one level only; the go command sees the full peel.
      const input = nested.map((line) => `${line.name}^{}\n`).join('');
      const out = (await this.git(['cat-file', '--batch-check=%(objectname)'], { input })).stdout.toString('utf8').split('\n');
      nested.forEach((line, i) => (line.peeled = out[i] ?? line.peeled));
    }
    const target = await this.headTarget();
    const tags = new Map<string, string>();
    const tagObjects = new Map<string, string>();
    const branches = new Map<string, string>();
    for (const line of lines) {
      if (line.name.startsWith('refs/tags/')) {
        tags.set(line.name.slice('refs/tags/'.length), line.peeled);
        if (line.object !== line.peeled) tagObjects.set(line.name.slice('refs/tags/'.length), line.object);
      }
      else if (line.name.startsWith('refs/heads/')) branches.set(line.name.slice('refs/heads/'.length), line.peeled);
    }
    const headBranch = target.startsWith('refs/heads/') ? target.slice('refs/heads/'.length) : null;
    const head = headBranch === null ? null : (branches.get(headBranch) ?? null);
    return { fingerprint: fingerprint(listing, target), refs: { head, headBranch, tags, branches, tagObjects } };
  }

  private async headTarget(): Promise<string> {
    const { stdout, code } = await this.git(['symbolic-ref', '-q', 'HEAD'], { okCodes: [0, 1] });
    return code === 0 ? stdout.toString('utf8').trim() : NO_HEAD;
  }

  private async reachableCommits(): Promise<string[]> {
    this.commits ??= await this.locked(async () => {
      const { stdout } = await this.git(['rev-list', '--branches', '--tags']);
      return stdout.toString('latin1').split('\n').filter((line) => line !== '').sort();
    });
    return this.commits;
  }

  private async assertFetched(): Promise<void> {
    if (!(await this.exists())) throw new MirrorNotFetchedError(`git mirror of ${this.url} has not been fetched`);
  }

  /** `<dir>.partial`, created (atomically, through a rename) unless a previous first fetch left it. */
  private async partialMirror(): Promise<string> {
    const partial = `${this.dir}.partial`;
    if (await exists(join(partial, 'HEAD'))) return partial;
    const parent = dirname(this.dir);
    await mkdir(parent, { recursive: true });
    const tmp = `${this.dir}.init-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const run = (args: readonly string[]): Promise<GitRunResult> => this.pool.run(args, { cwd: parent, env: { HOME: parent }, timeoutMs: this.timeoutMs });
      await run(['init', '--quiet', '--bare', '--template=', tmp]);
      const config = (...args: string[]): Promise<GitRunResult> => run(['--git-dir', tmp, 'config', ...args]);
      await config('remote.origin.url', this.url);
      for (const refspec of FETCH_REFSPECS) await config('--add', 'remote.origin.fetch', refspec);
      // Keep `gc --auto` after a fetch in the foreground, inside the pool's bound.
      await config('gc.autoDetach', 'false');
      await writeArchiveAttributes(tmp);
      await rename(tmp, partial);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return partial;
  }

  private async ensureArchiveAttributes(): Promise<void> {
    if (this.attributesReady) return;
    await writeArchiveAttributes(this.dir);
    this.attributesReady = true;
  }

  private forget(): void {
    this.snapshot = undefined;
    this.commits = undefined;
    this.attributesReady = false;
  }
}

/** Appends ARCHIVE_ATTRIBUTES_LINE to `<gitDir>/info/attributes` unless it is there (as cmd/go does). */
async function writeArchiveAttributes(gitDir: string): Promise<void> {
  const file = join(gitDir, 'info', 'attributes');
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current.split('\n').includes(ARCHIVE_ATTRIBUTES_LINE)) return;
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${ARCHIVE_ATTRIBUTES_LINE}\n`);
}

/** Destroys `stream` unless done, and waits for its 'close' (for a git stream: after git exited). */
async function closeStream(stream: Readable): Promise<void> {
  if (stream.closed) return;
  await new Promise<void>((resolveClose) => {
    stream.once('close', resolveClose);
    stream.destroy();
  });
}

function fingerprint(refListing: string, headTarget: string): string {
  return `${refListing}\nHEAD -> ${headTarget}`;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}
