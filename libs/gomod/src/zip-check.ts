import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import yauzl from 'yauzl';
import { equalFold } from './case-fold.js';
import { crc32 } from './crc32.js';
import { hash1FromDigests } from './dirhash.js';
import { GoModError } from './errors.js';
import { cleanPath, goQuote } from './go-strings.js';
import { checkFilePath, checkModule } from './module-path.js';
import { canonicalVersion } from './semver.js';
import { CollisionChecker, MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE } from './zip-files.js';

/** What {@link checkModuleZip} learned about a valid module zip. */
export interface ModuleZipCheck {
  /** The go.sum hash of the zip (dirhash.HashZip: every entry, directory entries included). */
  h1: string;
  /** Number of file (non-directory) entries. */
  files: number;
  /** Sum of the files' uncompressed sizes. */
  uncompressedSize: number;
}

interface ZipItem {
  entry: yauzl.Entry;
  nameBytes: Buffer;
  /** The name for messages (invalid UTF-8 shown as U+FFFD). */
  display: string;
  isDir: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(bytes: Buffer): { name: string; valid: boolean } {
  try {
    return { name: strictUtf8.decode(bytes), valid: true };
  } catch {
    return { name: bytes.toString('utf8'), valid: false };
  }
}

function entryError(item: ZipItem, reason: string): GoModError {
  return new GoModError(`${goQuote(item.display)}: ${reason}`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The name-level checks of x/mod zip checkZip on one entry; returns the reason it is invalid. */
function nameError(name: string, valid: boolean, isDir: boolean, collisions: CollisionChecker): string | undefined {
  const rel = isDir ? name.slice(0, -1) : name;
  if (cleanPath(rel) !== rel) return 'file path is not clean';
  if (!valid) return `malformed file path ${goQuote(rel)}: invalid UTF-8`;
  try {
    checkFilePath(rel);
  } catch (err) {
    return messageOf(err);
  }
  const collision = collisions.check(rel, isDir);
  if (collision !== undefined) return collision;
  if (isDir) return undefined;
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  if (equalFold(base, 'go.mod')) {
    if (base !== rel) return 'go.mod file not in module root directory';
    if (rel !== 'go.mod') return 'go.mod files must have lowercase names';
  }
  return undefined;
}

async function readEntries(zip: yauzl.ZipFile): Promise<ZipItem[]> {
  const items: ZipItem[] = [];
  for await (const entry of zip.eachEntry()) {
    const nameBytes = entry.fileNameRaw;
    items.push({ entry, nameBytes, display: nameBytes.toString('utf8'), isDir: nameBytes.at(-1) === 0x2f });
  }
  return items;
}

/** Reads the CRC-32 of a data descriptor the way Go's archive/zip does (signature optional). */
async function descriptorCrc(file: FileHandle, at: number): Promise<number | undefined> {
  const buf = Buffer.alloc(16);
  const { bytesRead } = await file.read(buf, 0, 16, at);
  if (bytesRead >= 4 && buf.readUInt32LE(0) === 0x08074b50) return bytesRead >= 16 ? buf.readUInt32LE(4) : undefined;
  return bytesRead >= 12 ? buf.readUInt32LE(0) : undefined;
}

async function entryDigest(zip: yauzl.ZipFile, item: ZipItem, descriptors: () => Promise<FileHandle>): Promise<string> {
  const { entry } = item;
  const h = createHash('sha256');
  if (item.isDir) {
    // Go's File.Open returns no data for a directory entry, and an error if it declares some.
    if (entry.uncompressedSize !== 0) throw entryError(item, 'directory entry has data');
    await zip.readLocalFileHeaderPromise(entry, { minimal: true });
    return h.digest('hex');
  }
  let crc = 0;
  const stream = await zip.openReadStreamPromise(entry);
  for await (const chunk of stream) {
    crc = crc32(chunk as Buffer, crc);
    h.update(chunk as Buffer);
  }
  if (entry.generalPurposeBitFlag & 0x0008) {
    const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
    const recorded = await descriptorCrc(await descriptors(), fileDataStart + entry.compressedSize);
    if (recorded === undefined) throw entryError(item, 'unexpected EOF in data descriptor');
    if (recorded !== entry.crc32 || crc !== entry.crc32) throw entryError(item, 'checksum error');
  } else if (entry.crc32 !== 0 && crc !== entry.crc32) {
    // Without a data descriptor Go checks the CRC only when one was recorded.
    throw entryError(item, 'checksum error');
  }
  return h.digest('hex');
}

/**
 * Checks a module zip as the go command does after downloading it from a proxy (spec §8): the
 * download checks (size, opens as a zip, every name under `M@v/`), HashZip, and modzip.Unzip's
 * checks (clean, valid and non-colliding names, go.mod only at the root, size limits, each file
 * decompressing to its declared size and CRC-32). Throws GoModError naming the first problem.
 * Entries are streamed one at a time into the hash; the zip is never held in memory.
 */
export async function checkModuleZip(zipPath: string, modulePath: string, version: string): Promise<ModuleZipCheck> {
  const canonicalV = canonicalVersion(version);
  if (canonicalV !== version) {
    throw new GoModError(`version ${goQuote(version)} is not canonical (should be ${goQuote(canonicalV)})`);
  }
  checkModule(modulePath, version);

  const { size: zipSize } = await stat(zipPath);
  if (zipSize > MAX_ZIP_FILE) {
    throw new GoModError(`module zip file is too large (${zipSize} bytes; limit is ${MAX_ZIP_FILE} bytes)`);
  }

  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (err) {
    throw new GoModError(`not a valid zip file: ${messageOf(err)}`);
  }
  let descriptorFile: FileHandle | undefined;
  try {
    let items: ZipItem[];
    try {
      items = await readEntries(zip);
    } catch (err) {
      throw new GoModError(`not a valid zip file: ${messageOf(err)}`);
    }

    const prefix = `${modulePath}@${version}/`;
    const prefixBytes = Buffer.from(prefix, 'utf8');
    for (const item of items) {
      if (!item.nameBytes.subarray(0, prefixBytes.length).equals(prefixBytes)) {
        throw new GoModError(`zip for ${prefix.slice(0, -1)} has unexpected file ${goQuote(item.display)}`);
      }
    }

    const collisions = new CollisionChecker();
    const invalid: string[] = [];
    let sizeError: string | undefined;
    let total = 0;
    let files = 0;
    for (const item of items) {
      const { name, valid } = decodeName(item.nameBytes.subarray(prefixBytes.length));
      if (name === '') continue;
      const reason = nameError(name, valid, item.isDir, collisions);
      if (reason !== undefined) {
        invalid.push(`${goQuote(item.display)}: ${reason}`);
        continue;
      }
      if (item.isDir) continue;
      const method = item.entry.compressionMethod;
      if (method !== 0 && method !== 8) {
        invalid.push(`${goQuote(item.display)}: unsupported compression method ${method}`);
        continue;
      }
      const sz = item.entry.uncompressedSize;
      files++;
      if (sz >= 0 && MAX_ZIP_FILE - total >= sz) total += sz;
      else sizeError ??= `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`;
      if (name === 'go.mod' && sz > MAX_GO_MOD) {
        invalid.push(`${goQuote(item.display)}: go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
      } else if (name === 'LICENSE' && sz > MAX_LICENSE) {
        invalid.push(`${goQuote(item.display)}: LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
      }
    }
    if (sizeError !== undefined) throw new GoModError(sizeError);
    if (invalid.length > 0) {
      const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more invalid entries)` : '';
      throw new GoModError(invalid[0]! + more);
    }

    const descriptors = async (): Promise<FileHandle> => (descriptorFile ??= await open(zipPath, 'r'));
    const digests: Array<{ name: string; sha256: string }> = [];
    for (const item of [...items].sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes))) {
      let sha256: string;
      try {
        sha256 = await entryDigest(zip, item, descriptors);
      } catch (err) {
        throw err instanceof GoModError ? err : entryError(item, messageOf(err));
      }
      digests.push({ name: item.display, sha256 });
    }
    return { h1: hash1FromDigests(digests), files, uncompressedSize: total };
  } finally {
    zip.close();
    await descriptorFile?.close();
  }
}
