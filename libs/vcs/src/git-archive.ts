import { Readable } from 'node:stream';
import type { ArchiveEntry } from '#gomod';
import { readTar } from './tar-stream.js';

/**
 * The line cmd/go appends to a repository's `info/attributes` before `git archive` (Go 1.11.2+):
 * it overrides `.gitattributes`, so export-ignore'd files stay in and `$Format:…$` is not expanded.
 */
export const ARCHIVE_ATTRIBUTES_LINE = '* -export-subst -export-ignore';

/**
 * `git archive` options as cmd/go passes them: CRLF conversion only where attributes ask for it.
 * Put these before the subcommand.
 */
export const ARCHIVE_CONFIG = ['-c', 'core.autocrlf=input', '-c', 'core.eol=lf'] as const;

/**
 * The files of a `git archive --format=tar` stream as {@link ArchiveEntry}s: regular files with
 * their bytes, symlinks with their target as the body. Directory entries are dropped — gitlinks
 * (submodules) are among them, since git archive writes a gitlink as an empty directory.
 */
export async function* archiveEntries(tar: AsyncIterable<Buffer>): AsyncGenerator<ArchiveEntry> {
  for await (const entry of readTar(tar)) {
    if (entry.type === 'directory') continue;
    if (entry.type === 'symlink') {
      const target = Buffer.from(entry.linkname, 'utf8');
      yield { path: entry.path, kind: 'symlink', size: target.length, body: Readable.from([target], { objectMode: false }) };
    } else {
      yield { path: entry.path, kind: entry.type, size: entry.size, body: entry.body };
    }
  }
}
