import { PassThrough } from 'node:stream';
import yauzl from 'yauzl';
import { hash1 } from '../dirhash.js';
import { GoModError } from '../errors.js';
import type { CodeRepo } from './code-repo.js';
import { InMemoryRepo } from './in-memory-repo.js';
import type { ModuleZipResult } from './module-zip.js';

/*
 * Helpers for the in-memory unit tests of coderepo (not exported from the lib): collect a zip in
 * memory, read it back, and hash it independently of the code under test.
 */

/** The rejection of `p`, which must be a GoModError. */
export async function rejection(p: Promise<unknown>): Promise<GoModError & { notFound?: boolean }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GoModError) return err;
    throw err;
  }
  throw new Error('expected a GoModError, got success');
}

/** A Writable that collects what is written. */
export function collector(): { out: PassThrough; bytes: () => Buffer } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, bytes: () => Buffer.concat(chunks) };
}

/** Runs `repo.zip(version)` into memory. */
export async function zipOf(repo: CodeRepo, version: string): Promise<{ result: ModuleZipResult; zip: Buffer }> {
  const { out, bytes } = collector();
  const result = await repo.zip(version, out);
  return { result, zip: bytes() };
}

/** The entries of a zip: name → content, in archive order. */
export async function readZip(zip: Buffer): Promise<Map<string, Buffer>> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true });
  const entries = new Map<string, Buffer>();
  for await (const entry of file.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await file.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries.set(entry.fileName, Buffer.concat(chunks));
  }
  return entries;
}

/** dirhash.HashZip computed with {@link hash1} from the entries read back. */
export function hashEntries(entries: Map<string, Buffer>): Promise<string> {
  return hash1([...entries].map(([name, data]) => ({ name, open: () => data })));
}

/** The module path of the synthetic fixtures (spec §11 items 21–30), also their repository root. */
export const M = 'github.com/gomodspec-test/r';

/** `2020-01-01T00:00:00Z` plus `hours`. */
export function hour(hours: number): string {
  return new Date(Date.UTC(2020, 0, 1, hours)).toISOString();
}

/**
 * §11 item 21 (and 22 with `goModFromV210`): tags v1.0.0, v2.0.0, v2.1.0, v3.0.0-beta on a line of
 * commits without go.mod; item 22 adds `module <M>` at v2.1.0 (inherited by v3.0.0-beta).
 */
export function incompatibleFixture(goModFromV210 = false): { repo: InMemoryRepo; c: Record<string, string> } {
  const repo = new InMemoryRepo();
  const v100 = repo.addCommit({ time: hour(1), files: { 'LICENSE': 'MIT\n', 'a.go': 'package a\n' } });
  const v200 = repo.addCommit({ parents: [v100], time: hour(2), files: { 'a.go': 'package a // 2.0\n' } });
  const v210 = repo.addCommit({
    parents: [v200],
    time: hour(3),
    files: { 'a.go': 'package a // 2.1\n', ...(goModFromV210 ? { 'go.mod': `module ${M}\n` } : {}) },
  });
  const v300 = repo.addCommit({ parents: [v210], time: hour(4), files: { 'a.go': 'package a // 3.0\n' } });
  repo.branch('main', v300).tag('v1.0.0', v100).tag('v2.0.0', v200).tag('v2.1.0', v210).tag('v3.0.0-beta', v300);
  return { repo, c: { v100, v200, v210, v300 } };
}

/** §11 item 23: v1.0.0 and v2.0.0 both with go.mod `module <M>`, no v2/go.mod. */
export function majorWithoutSuffixFixture(): InMemoryRepo {
  const repo = new InMemoryRepo();
  const v1 = repo.addCommit({ time: hour(1), files: { 'go.mod': `module ${M}\n`, 'a.go': 'package a\n' } });
  const v2 = repo.addCommit({ parents: [v1], time: hour(2), files: { 'a.go': 'package a // 2\n' } });
  return repo.branch('main', v2).tag('v1.0.0', v1).tag('v2.0.0', v2);
}

/** §11 item 24: `v2/go.mod` declaring `<M>/v2`, no root go.mod, tag v2.0.0; a root LICENSE. */
export function majorSubdirFixture(withV2License = false): InMemoryRepo {
  const repo = new InMemoryRepo();
  const c = repo.addCommit({
    time: hour(1),
    files: {
      'LICENSE': 'root license\n',
      'a.go': 'package a\n',
      'v2/go.mod': `module ${M}/v2\n`,
      'v2/a.go': 'package a // v2\n',
      ...(withV2License ? { 'v2/LICENSE': 'v2 license\n' } : {}),
    },
  });
  return repo.branch('main', c).tag('v2.0.0', c);
}

/**
 * §11 item 25: module `<M>/sub` with tags sub/v1.0.0 (c1), sub/v1.1 (c2), sub/v1.2.0+meta (c3),
 * plus root tags v1.0.0 and v9.0.0 on c1.
 */
export function subdirFixture(): { repo: InMemoryRepo; c: Record<string, string> } {
  const repo = new InMemoryRepo();
  const c1 = repo.addCommit({
    time: hour(1),
    files: {
      'LICENSE': 'root license\n',
      'go.mod': `module ${M}\n`,
      'a.go': 'package a\n',
      'sub/go.mod': `module ${M}/sub\n`,
      'sub/s.go': 'package sub\n',
    },
  });
  const c2 = repo.addCommit({ parents: [c1], time: hour(2), files: { 'sub/s.go': 'package sub // 1.1\n' } });
  const c3 = repo.addCommit({ parents: [c2], time: hour(3), files: { 'sub/s.go': 'package sub // 1.2\n' } });
  repo.branch('main', c3).tag('sub/v1.0.0', c1).tag('sub/v1.1', c2).tag('sub/v1.2.0+meta', c3);
  repo.tag('v1.0.0', c1).tag('v9.0.0', c1);
  return { repo, c: { c1, c2, c3 } };
}

/** §11 items 26/27: C1 tagged v1.2.0 (go.mod `module <M>`), C2 its child on main. */
export function branchFixture(): { repo: InMemoryRepo; c1: string; c2: string } {
  const repo = new InMemoryRepo();
  const c1 = repo.addCommit({ time: hour(1), files: { 'go.mod': `module ${M}\n`, 'a.go': 'package a\n' } });
  const c2 = repo.addCommit({ parents: [c1], time: '2020-03-04T05:06:07Z', files: { 'a.go': 'package a // 2\n' } });
  repo.branch('main', c2).tag('v1.2.0', c1);
  return { repo, c1, c2 };
}

/** The 14-digit pseudo-version timestamp and 12-digit revision of a commit of `repo`. */
export async function tsRev(repo: InMemoryRepo, commit: string): Promise<string> {
  const info = await repo.commit(commit);
  const ts = info!.time.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${ts}-${commit.slice(0, 12)}`;
}
