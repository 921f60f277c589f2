import { GoModError } from '../errors.js';
import { compareUtf8 } from '../go-strings.js';
import type { CommitInfo, RepoReader, RepoRefs } from './repo-reader.js';
import { RevisionError } from './version-errors.js';

/** A revision resolved the way cmd/go's gitRepo.Stat does (spec §3.1, §3.2). */
export interface ResolvedRevision {
  /** The full commit hash. */
  hash: string;
  /** The first 12 hex digits of a 40-digit lower-case hash, else the hash itself. */
  short: string;
  /** Committer time, UTC, whole seconds. */
  time: Date;
  /** Sorted names of the tags whose peeled commit is `hash`. */
  tags: string[];
  /** codehost RevInfo.Version: the requested name when it is a tag on the commit, else `hash`. */
  version: string;
  /** The ref the revision was found through (`refs/tags/x`, `refs/heads/x`, `HEAD`), if any. */
  ref?: string;
}

const hexRevision = /^[0-9a-f]{7,40}$/;

/** codehost ShortenSHA1. */
export function shortHash(hash: string): string {
  return /^[0-9a-f]{40}$/.test(hash) ? hash.slice(0, 12) : hash;
}

function memo<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let p = cache.get(key);
  if (!p) {
    p = load();
    cache.set(key, p);
  }
  return p;
}

/**
 * One consistent, memoised view of a {@link RepoReader} for the duration of one request: refs are
 * read once, and revisions, files and ancestry answers are cached, so the many lookups of cmd/go's
 * convert/findDir logic cost one call each.
 */
export class RepoView {
  private refsOnce?: Promise<RepoRefs>;
  private tagIndexOnce?: Promise<Map<string, string[]>>;
  private readonly resolved = new Map<string, Promise<ResolvedRevision>>();
  private readonly files = new Map<string, Promise<Buffer | null>>();
  private readonly commits = new Map<string, Promise<CommitInfo | null>>();
  private readonly ancestry = new Map<string, Promise<boolean>>();

  constructor(readonly repo: RepoReader) {}

  refs(): Promise<RepoRefs> {
    this.refsOnce ??= this.repo.refs();
    return this.refsOnce;
  }

  /** Tag names (sorted byte-wise, like Go's sort.Strings) pointing at `hash`. */
  async tagsAt(hash: string): Promise<string[]> {
    this.tagIndexOnce ??= this.refs().then((refs) => {
      const index = new Map<string, string[]>();
      for (const [name, commit] of refs.tags) {
        const list = index.get(commit);
        if (list) list.push(name);
        else index.set(commit, [name]);
      }
      for (const list of index.values()) list.sort(compareUtf8);
      return index;
    });
    return (await this.tagIndexOnce).get(hash) ?? [];
  }

  /** All tag names starting with `prefix`, sorted byte-wise (git's ref order). */
  async tagsWithPrefix(prefix: string): Promise<Array<{ name: string; commit: string }>> {
    const refs = await this.refs();
    const out: Array<{ name: string; commit: string }> = [];
    for (const [name, commit] of refs.tags) if (name.startsWith(prefix)) out.push({ name, commit });
    return out.sort((a, b) => compareUtf8(a.name, b.name));
  }

  commit(hash: string): Promise<CommitInfo | null> {
    return memo(this.commits, hash, () => this.repo.commit(hash));
  }

  /** Raw blob bytes of `path` at `commit`, null when absent. */
  readFile(commit: string, path: string): Promise<Buffer | null> {
    return memo(this.files, `${commit}\0${path}`, () => this.repo.readFile(commit, path));
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return memo(this.ancestry, `${ancestor}\0${descendant}`, () => this.repo.isAncestor(ancestor, descendant));
  }

  /**
   * gitRepo.Stat (spec §3.2): tag, then branch, then `HEAD`, then a 7–40 digit lower-case hex
   * prefix (of a ref's commit, else of any reachable commit). Throws {@link RevisionError}.
   */
  resolve(rev: string): Promise<ResolvedRevision> {
    return memo(this.resolved, rev, () => this.resolveUncached(rev));
  }

  /** gitRepo.Latest: the remote HEAD commit, with ref `HEAD`. */
  async latest(): Promise<ResolvedRevision> {
    const refs = await this.refs();
    if (refs.head === null) throw new RevisionError('no commits', true);
    return { ...(await this.resolve(refs.head)), ref: 'HEAD' };
  }

  private async resolveUncached(rev: string): Promise<ResolvedRevision> {
    const refs = await this.refs();
    let hash: string | null = null;
    let ref: string | undefined;
    const tag = refs.tags.get(rev);
    const branch = refs.branches.get(rev);
    if (tag !== undefined) {
      hash = tag;
      ref = `refs/tags/${rev}`;
    } else if (branch !== undefined) {
      hash = branch;
      ref = `refs/heads/${rev}`;
    } else if (rev === 'HEAD' && refs.head !== null) {
      hash = refs.head;
      ref = 'HEAD';
    } else if (hexRevision.test(rev)) {
      for (const [name, commit, advertised] of allRefs(refs)) {
        if (!advertised.startsWith(rev)) continue;
        if (hash !== null && hash !== commit) throw new RevisionError(`ambiguous revision ${rev}`, false);
        // Several refs on one commit: the smallest name wins, as in cmd/go.
        if (ref === undefined || ref > name) ref = name;
        hash = commit;
      }
      if (hash === null) hash = await this.resolvePrefix(rev);
    }
    if (hash === null) throw new RevisionError(`unknown revision ${rev}`, true);
    const info = await this.commit(hash);
    if (!info) throw new RevisionError(`unknown revision ${rev}`, true);
    const tags = await this.tagsAt(info.hash);
    const asked = ref === `refs/tags/${rev}` ? rev : info.hash;
    return {
      hash: info.hash,
      short: shortHash(info.hash),
      time: new Date(Math.floor(info.time.getTime() / 1000) * 1000),
      tags,
      version: tags.includes(asked) ? asked : info.hash,
      ref,
    };
  }

  private async resolvePrefix(prefix: string): Promise<string | null> {
    try {
      return await this.repo.resolveCommitPrefix(prefix);
    } catch (err) {
      if (err instanceof GoModError && !(err instanceof RevisionError)) throw new RevisionError(err.message, false);
      throw err;
    }
  }
}

/** Every advertised ref as [name, commit, advertised hash]: an annotated tag also by its tag object. */
function* allRefs(refs: RepoRefs): Iterable<[string, string, string]> {
  if (refs.head !== null) yield ['HEAD', refs.head, refs.head];
  for (const [name, commit] of refs.branches) yield [`refs/heads/${name}`, commit, commit];
  for (const [name, commit] of refs.tags) {
    yield [`refs/tags/${name}`, commit, commit];
    const object = refs.tagObjects?.get(name);
    if (object !== undefined) yield [`refs/tags/${name}`, commit, object];
  }
}
