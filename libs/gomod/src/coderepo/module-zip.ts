import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { hash1FromDigests } from '../dirhash.js';
import { GoModError } from '../errors.js';
import type { ModuleFileInput } from '../zip-files.js';
import { MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE, classifyModuleFiles, goDirectiveVersion } from '../zip-files.js';
import { ZipWriter } from '../zip-writer.js';
import type { ModuleDir } from './find-dir.js';
import type { RepoReader } from './repo-reader.js';

/** Files up to this size are buffered whole (a module's source files, nearly always). */
const SMALL_FILE = 64 << 10;

/** What {@link writeModuleZip} wrote. */
export interface ModuleZipResult {
  /** The go.sum hash of the zip (dirhash over the entry names and contents written). */
  h1: string;
  /** Number of entries (files; there are no directory entries). */
  files: number;
  /** Bytes of the zip archive written to `out`. */
  size: number;
}

/** Size limits; tests lower them, everything else uses the x/mod defaults. */
export interface ModuleZipLimits {
  /** Total uncompressed bytes of all files (default 500 MiB). */
  maxTotal?: number;
}

interface KeptFile {
  mode: number;
  /** The repository-root LICENSE added for a module in a subdirectory (spec §6.1). */
  data?: Buffer;
}

function toWritable(out: NodeJS.WritableStream): Writable {
  if (out instanceof Writable) return out;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (out.write(chunk)) callback();
      else out.once('drain', () => callback());
    },
    final(callback) {
      out.end(() => callback());
    },
  });
}

async function drain(body: Readable): Promise<void> {
  body.resume();
  await finished(body);
}

/**
 * The kept file set of a module version (spec §6.1, §6.2): the tree below the module directory
 * (gitlinks left out: git archive turns them into directory entries, which cmd/go skips), plus
 * the root LICENSE for a module in a subdirectory that has no entry named exactly LICENSE,
 * filtered by x/mod's checkFiles. Throws GoModError when any file is invalid or too large.
 */
async function keptFiles(repo: RepoReader, dir: ModuleDir, zipLabel: string): Promise<Map<string, KeptFile>> {
  const prefix = dir.dir === '' ? '' : dir.dir + '/';
  const inputs: ModuleFileInput[] = [];
  const modes = new Map<string, number>();
  let haveLicense = false;
  for (const entry of await repo.listTree(dir.commit, dir.dir)) {
    if (!entry.path.startsWith(prefix) || entry.path === prefix) continue;
    if (entry.mode === '160000') continue;
    const path = entry.path.slice(prefix.length);
    inputs.push({ path, size: entry.size, kind: entry.mode === '120000' ? 'symlink' : 'file' });
    modes.set(path, entry.mode === '100755' ? 0o755 : 0o644);
    if (path === 'LICENSE') haveLicense = true;
  }
  let license: Buffer | null = null;
  if (prefix !== '' && !haveLicense) {
    license = await repo.readFile(dir.commit, 'LICENSE');
    if (license !== null) inputs.push({ path: 'LICENSE', size: license.length, kind: 'file' });
  }

  let kept: string[];
  try {
    kept = classifyModuleFiles(inputs, { goVersion: dir.goMod === null ? '' : goDirectiveVersion(dir.goMod) }).kept;
  } catch (err) {
    if (err instanceof GoModError) throw new GoModError(`${zipLabel}: ${err.message}`);
    throw err;
  }
  const files = new Map<string, KeptFile>();
  for (const path of kept) {
    if (path === 'LICENSE' && license !== null) files.set(path, { mode: 0o644, data: license });
    else files.set(path, { mode: modes.get(path) ?? 0o644 });
  }
  return files;
}

/**
 * Writes the module zip of `modulePath@version` located at `dir` (spec §6) to `out`, streaming
 * `git archive` output: only the kept files, named `<M>@<version>/<path>`, no directory entries.
 * The h1 hash is computed from the bytes as they are written, and the 500 MiB total (and the
 * 16 MiB go.mod and LICENSE limits) are enforced on those actual bytes, which git's attribute
 * conversions may make differ from the blob sizes. On failure `out` holds a partial archive and
 * must be discarded.
 */
export async function writeModuleZip(
  repo: RepoReader,
  modulePath: string,
  version: string,
  dir: ModuleDir,
  out: NodeJS.WritableStream,
  limits: ModuleZipLimits = {},
): Promise<ModuleZipResult> {
  const label = `${modulePath}@${version}`;
  const maxTotal = limits.maxTotal ?? MAX_ZIP_FILE;
  const files = await keptFiles(repo, dir, label);
  const prefix = dir.dir === '' ? '' : dir.dir + '/';
  const zip = new ZipWriter(toWritable(out));
  const digests: Array<{ name: string; sha256: string }> = [];
  let total = 0;

  const count = (path: string, fileSize: number, chunk: number): void => {
    total += chunk;
    if (total > maxTotal) {
      throw new GoModError(`${label}: create zip: module source tree too large (max size is ${maxTotal} bytes)`);
    }
    if (path === 'go.mod' && fileSize > MAX_GO_MOD) {
      throw new GoModError(`${label}: create zip: go.mod: go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
    }
    if (path === 'LICENSE' && fileSize > MAX_LICENSE) {
      throw new GoModError(`${label}: create zip: LICENSE: LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
    }
  };

  const add = async (path: string, file: KeptFile, body: Readable, declaredSize: number): Promise<void> => {
    const name = `${label}/${path}`;
    const sha = createHash('sha256');
    let size = 0;
    if (declaredSize <= SMALL_FILE) {
      // Most files are small: buffer them and let the writer deflate inline, with no stream stages.
      const chunks: Buffer[] = [];
      for await (const chunk of body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        size += buf.length;
        count(path, size, buf.length);
        chunks.push(buf);
      }
      const data = Buffer.concat(chunks);
      await zip.add({ name, mode: file.mode, data });
      digests.push({ name, sha256: sha.update(data).digest('hex') });
      return;
    }
    async function* hashed(): AsyncGenerator<Buffer> {
      for await (const chunk of body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        size += buf.length;
        count(path, size, buf.length);
        sha.update(buf);
        yield buf;
      }
    }
    // Large files stream; level 1 keeps big (often already compressed) payloads fast. h1 ignores compression.
    await zip.add({ name, mode: file.mode, level: 1, data: () => Readable.from(hashed(), { objectMode: false }) });
    digests.push({ name, sha256: sha.digest('hex') });
  };

  const written = new Set<string>();
  for await (const entry of repo.archive(dir.commit, dir.dir)) {
    const path = entry.path.startsWith(prefix) ? entry.path.slice(prefix.length) : '';
    const file = files.get(path);
    if (!file || file.data || entry.kind !== 'file' || written.has(path)) {
      await drain(entry.body);
      continue;
    }
    written.add(path);
    try {
      await add(path, file, entry.body, entry.size);
    } catch (err) {
      entry.body.destroy();
      throw err;
    }
  }
  for (const [path, file] of files) {
    if (file.data) {
      await add(path, file, Readable.from([file.data]), file.data.length);
      written.add(path);
    }
  }
  const missing = [...files.keys()].filter((p) => !written.has(p));
  if (missing.length > 0) {
    throw new Error(`${label}: git archive of ${dir.commit} lacks ${missing.length} listed file(s), first ${missing[0]}`);
  }
  const { entries, bytes } = await zip.finish();
  return { h1: hash1FromDigests(digests), files: entries, size: bytes };
}
