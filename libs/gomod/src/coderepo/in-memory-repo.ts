import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GoModError } from '../errors.js';
import type { ArchiveEntry, CommitInfo, RepoReader, RepoRefs, TreeEntry } from './repo-reader.js';

/** One file of an {@link InMemoryRepo} commit. */
export interface InMemoryFile {
  /** The blob (for a symlink: the link target; ignored for a gitlink). */
  data: string | Buffer;
  /** Git mode; default `100644`. `120000` is a symlink, `160000` a gitlink (submodule). */
  mode?: '100644' | '100755' | '120000' | '160000';
  /** What `git archive` yields for the file after attribute conversion (`eol=crlf`…); default `data`. */
  archived?: string | Buffer;
  /** The blob size `ls-tree` reports; default the length of `data`. Lets tests declare huge files. */
  treeSize?: number;
}

/** A commit to add: its tree is the first parent's with `files` applied (`null` deletes a path). */
export interface InMemoryCommit {
  parents?: string[];
  /** Committer time. */
  time: Date | string;
  files?: Record<string, string | Buffer | InMemoryFile | null>;
  /** The full hash to use (default: a SHA-1 of the commit's content). */
  hash?: string;
}

interface StoredCommit {
  hash: string;
  parents: string[];
  time: Date;
  tree: Map<string, InMemoryFile>;
}

function toBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * A {@link RepoReader} over commits held in memory — the test double for unit tests of the
 * direct-mode logic (the real one, libs/vcs, reads a bare git mirror). Commits, tags, branches
 * and HEAD are set with plain methods; {@link calls} counts reader calls by method.
 */
export class InMemoryRepo implements RepoReader {
  private readonly commits = new Map<string, StoredCommit>();
  private readonly tags = new Map<string, string>();
  private readonly branches = new Map<string, string>();
  private headBranch: string | null = null;
  private seq = 0;
  /** How often each RepoReader method was called. */
  readonly calls: Record<string, number> = {};

  private count(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
  }

  /** Adds a commit and returns its hash. */
  addCommit(spec: InMemoryCommit): string {
    const parents = spec.parents ?? [];
    const tree = new Map(parents.length > 0 ? this.get(parents[0]!).tree : []);
    for (const [path, file] of Object.entries(spec.files ?? {})) {
      if (file === null) tree.delete(path);
      else tree.set(path, typeof file === 'string' || Buffer.isBuffer(file) ? { data: file } : file);
    }
    const time = new Date(spec.time);
    const hash =
      spec.hash ??
      createHash('sha1')
        .update(JSON.stringify([parents, time.toISOString(), [...tree.keys()].sort(), this.seq++]))
        .digest('hex');
    if (this.commits.has(hash)) throw new Error(`in-memory repo: duplicate commit ${hash}`);
    this.commits.set(hash, { hash, parents, time, tree });
    return hash;
  }

  /** Points tag `name` at `commit` (annotated tags are peeled already in RepoRefs). */
  tag(name: string, commit: string): this {
    this.get(commit);
    this.tags.set(name, commit);
    return this;
  }

  /** Points branch `name` at `commit`; the first branch created becomes HEAD's branch. */
  branch(name: string, commit: string): this {
    this.get(commit);
    this.branches.set(name, commit);
    this.headBranch ??= name;
    return this;
  }

  /** Makes HEAD follow `name` (null: no HEAD). */
  setHead(name: string | null): this {
    this.headBranch = name;
    return this;
  }

  private get(hash: string): StoredCommit {
    const c = this.commits.get(hash);
    if (!c) throw new Error(`in-memory repo: no commit ${hash}`);
    return c;
  }

  private reachable(): Set<string> {
    const seen = new Set<string>();
    const stack = [...this.tags.values(), ...this.branches.values()];
    while (stack.length > 0) {
      const h = stack.pop()!;
      if (seen.has(h)) continue;
      seen.add(h);
      stack.push(...this.get(h).parents);
    }
    return seen;
  }

  async refs(): Promise<RepoRefs> {
    this.count('refs');
    const head = this.headBranch === null ? null : (this.branches.get(this.headBranch) ?? null);
    return {
      head,
      headBranch: head === null ? null : this.headBranch,
      tags: new Map(this.tags),
      branches: new Map(this.branches),
    };
  }

  async commit(hash: string): Promise<CommitInfo | null> {
    this.count('commit');
    const c = this.commits.get(hash);
    if (!c || !this.reachable().has(hash)) return null;
    return { hash: c.hash, time: new Date(Math.floor(c.time.getTime() / 1000) * 1000) };
  }

  async resolveCommitPrefix(prefix: string): Promise<string | null> {
    this.count('resolveCommitPrefix');
    const matches = [...this.reachable()].filter((h) => h.startsWith(prefix));
    if (matches.length > 1) throw new GoModError(`ambiguous revision ${prefix}`);
    return matches[0] ?? null;
  }

  async readFile(commit: string, path: string): Promise<Buffer | null> {
    this.count('readFile');
    const file = this.commits.get(commit)?.tree.get(path);
    if (!file || file.mode === '160000') return null;
    return toBuffer(file.data);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    this.count('isAncestor');
    const stack = [descendant];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const h = stack.pop()!;
      if (h === ancestor) return true;
      if (seen.has(h)) continue;
      seen.add(h);
      stack.push(...(this.commits.get(h)?.parents ?? []));
    }
    return false;
  }

  private entries(commit: string, dir: string): Array<[string, InMemoryFile]> {
    const prefix = dir === '' ? '' : dir + '/';
    return [...this.get(commit).tree]
      .filter(([path]) => path.startsWith(prefix))
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  async listTree(commit: string, dir: string): Promise<TreeEntry[]> {
    this.count('listTree');
    return this.entries(commit, dir).map(([path, f]) => ({
      path,
      mode: f.mode ?? '100644',
      size: f.mode === '160000' ? 0 : (f.treeSize ?? toBuffer(f.data).length),
    }));
  }

  async *archive(commit: string, dir: string): AsyncIterable<ArchiveEntry> {
    this.count('archive');
    for (const [path, f] of this.entries(commit, dir)) {
      // git archive writes gitlinks as directory entries, which are not yielded.
      if (f.mode === '160000') continue;
      const data = toBuffer(f.archived ?? f.data);
      yield {
        path,
        kind: f.mode === '120000' ? 'symlink' : 'file',
        size: data.length,
        body: Readable.from([data]),
      };
    }
  }
}
