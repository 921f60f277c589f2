import type { TreeEntry } from '#gomod';

/** `git for-each-ref` format for {@link parseForEachRef}: name, object, type, and the tag's target. */
export const FOR_EACH_REF_FORMAT = '%(refname) %(objectname) %(objecttype) %(*objectname) %(*objecttype)';

/** One ref of {@link parseForEachRef}. */
export interface RefLine {
  /** Full name, `refs/heads/main` or `refs/tags/v1.0.0`. */
  name: string;
  /** What the ref names: a commit, or a tag object for an annotated tag. */
  object: string;
  /** The tag's target one level down, for annotated tags; otherwise the object itself. */
  peeled: string;
  /** True when `peeled` is itself a tag object (a tag of a tag): it needs peeling further. */
  nestedTag: boolean;
}

/** Parses `git for-each-ref --format=<FOR_EACH_REF_FORMAT>` output. */
export function parseForEachRef(output: string): RefLine[] {
  const refs: RefLine[] = [];
  for (const line of output.split('\n')) {
    if (line === '') continue;
    const [name = '', object = '', type = '', target = '', targetType = ''] = line.split(' ');
    const annotated = type === 'tag' && target !== '';
    refs.push({ name, object, peeled: annotated ? target : object, nestedTag: annotated && targetType === 'tag' });
  }
  return refs;
}

/** The branch of `git ls-remote --symref <remote> HEAD` output (`ref: refs/heads/main<TAB>HEAD`), or null. */
export function parseSymrefHead(output: string): string | null {
  for (const line of output.split('\n')) {
    const match = /^ref: (refs\/\S+)\tHEAD$/.exec(line);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** A `git ls-tree -r -l` entry with git's object type and hash. */
export interface GitTreeEntry extends TreeEntry {
  /** `blob` (files and symlinks) or `commit` (gitlinks). */
  type: string;
  object: string;
}

/** Parses `git ls-tree -r -l -z` output: `<mode> SP <type> SP <object> SP+ <size|-> TAB <path> NUL`. */
export function parseLsTree(output: Buffer): GitTreeEntry[] {
  const entries: GitTreeEntry[] = [];
  let pos = 0;
  while (pos < output.length) {
    let end = output.indexOf(0, pos);
    if (end < 0) end = output.length;
    const record = output.subarray(pos, end);
    pos = end + 1;
    const tab = record.indexOf(0x09);
    if (tab < 0) throw new Error(`git ls-tree: malformed line ${JSON.stringify(record.toString('utf8'))}`);
    const [mode = '', type = '', object = '', size = ''] = record.subarray(0, tab).toString('latin1').trim().split(/ +/);
    entries.push({ mode, type, object, size: size === '-' ? 0 : Number(size), path: record.subarray(tab + 1).toString('utf8') });
  }
  return entries;
}
