import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkModuleZip } from '../zip-check.js';
import { CodeRepo } from './code-repo.js';
import { findDir } from './find-dir.js';
import type { InMemoryFile } from './in-memory-repo.js';
import { InMemoryRepo } from './in-memory-repo.js';
import { locateModule } from './module-location.js';
import { writeModuleZip } from './module-zip.js';
import { RepoView } from './repo-view.js';
import {
  M,
  collector,
  hashEntries,
  hour,
  incompatibleFixture,
  majorSubdirFixture,
  readZip,
  rejection,
  subdirFixture,
  tsRev,
  zipOf,
} from './spec-helpers.js';
import { isVersionNotFound } from './version-errors.js';

type Files = Record<string, string | Buffer | InMemoryFile>;

/** One commit with `files`, tagged `tag`, on main. */
function repoWith(files: Files, tag = 'v1.0.0'): InMemoryRepo {
  const repo = new InMemoryRepo();
  const c = repo.addCommit({ time: hour(1), files });
  return repo.branch('main', c).tag(tag, c);
}

/** The zip's entry names without the `M@v/` prefix, sorted, after checking the h1 independently. */
async function zipNames(repo: CodeRepo, version: string): Promise<string[]> {
  const { result, zip } = await zipOf(repo, version);
  const entries = await readZip(zip);
  expect(result.h1).toBe(await hashEntries(entries));
  expect(result.files).toBe(entries.size);
  expect(result.size).toBe(zip.length);
  const prefix = `${repo.modulePath}@${version}/`;
  for (const name of entries.keys()) expect(name.startsWith(prefix)).toBe(true);
  return [...entries.keys()].map((n) => n.slice(prefix.length)).sort();
}

const fileLevel: Files = {
  'go.mod': `module ${M}\n\ngo 1.20\n`,
  '.gitattributes': 'notes.txt export-ignore\nversion.go export-subst\n',
  '.hg/x': 'committed hg file\n',
  'a.go': 'package a\n',
  'notes.txt': 'line one\nline two\n',
  'version.go': 'package a\n\nconst v = "$Format:%H$"\n',
  'testdata/a.txt': 'data\n',
  'testdata/mod/go.mod': 'module example.com/testmod\n',
  'testdata/mod/x.go': 'package x\n',
  'link.go': { data: 'a.go', mode: '120000' },
  'lib': { data: '', mode: '160000' },
  '.hg_archival.txt': 'repo: 0\n',
  'cmd/tool': { data: '#!/bin/sh\n', mode: '100755' },
};

describe('CodeRepo.zip, §11.29 file-level rules (in-memory repo)', () => {
  it('keeps committed VCS dirs, export-ignore/subst files and testdata; drops symlinks, nested modules, gitlinks', async () => {
    const repo = new CodeRepo(M, M, repoWith(fileLevel));
    expect(await zipNames(repo, 'v1.0.0')).toEqual([
      '.gitattributes',
      '.hg/x',
      'a.go',
      'cmd/tool',
      'go.mod',
      'notes.txt',
      'testdata/a.txt',
      'version.go',
    ]);
    const { zip } = await zipOf(repo, 'v1.0.0');
    const entries = await readZip(zip);
    expect(entries.get(`${M}@v1.0.0/version.go`)!.toString()).toContain('$Format:%H$');
  });

  it('passes the x/mod extraction checks with the same h1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coderepo-zip-'));
    try {
      const { result, zip } = await zipOf(new CodeRepo(M, M, repoWith(fileLevel)), 'v1.0.0');
      await writeFile(join(dir, 'm.zip'), zip);
      const checked = await checkModuleZip(join(dir, 'm.zip'), M, 'v1.0.0');
      expect(checked.h1).toBe(result.h1);
      expect(checked.files).toBe(8);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('zips the bytes git archive converted (eol=crlf), not the blobs', async () => {
    const plain = await zipOf(new CodeRepo(M, M, repoWith(fileLevel)), 'v1.0.0');
    const crlf = await zipOf(
      new CodeRepo(M, M, repoWith({
        ...fileLevel,
        '.gitattributes': '*.txt text eol=crlf\n',
        'notes.txt': { data: 'line one\nline two\n', archived: 'line one\r\nline two\r\n' },
      })),
      'v1.0.0',
    );
    const entries = await readZip(crlf.zip);
    expect(entries.get(`${M}@v1.0.0/notes.txt`)!.toString()).toBe('line one\r\nline two\r\n');
    expect(crlf.result.h1).toBe(await hashEntries(entries));
    expect(crlf.result.h1).not.toBe(plain.result.h1);
  });

  it.each([
    ['go ≥ 1.24: files directly in a vendor directory are kept, vendor/modules.txt is not', 'go 1.24',
      ['go.mod', 'pkg/vendor/vendor.go', 'sub/vendor/sub.txt']],
    ['go < 1.24: vendor/modules.txt kept, every nested /vendor/ file dropped (issue 37397)', 'go 1.13',
      ['go.mod', 'vendor/modules.txt']],
    ['no go directive: the legacy rule', '', ['go.mod', 'vendor/modules.txt']],
  ])('vendor rule (spec §6.3): %s', async (_name, goLine, want) => {
    const repo = repoWith({
      'go.mod': `module ${M}\n${goLine}\n`,
      'vendor/modules.txt': '# example.com/x v1.0.0\n',
      'vendor/example.com/x/x.go': 'package x\n',
      'sub/vendor/sub.txt': 'sub\n',
      'pkg/vendor/vendor.go': 'package vendor\n',
    });
    expect(await zipNames(new CodeRepo(M, M, repo), 'v1.0.0')).toEqual(want);
  });

  it('a GO.MOD in a subdirectory marks a nested module; a directory named go.mod does not', async () => {
    const repo = repoWith({ 'a.go': 'package a\n', 'b/GO.MOD': 'module b\n', 'b/b.go': 'package b\n', 'go.mod/a.go': 'package a\n' });
    expect(await zipNames(new CodeRepo(M, M, repo), 'v1.0.0')).toEqual(['a.go', 'go.mod/a.go']);
  });

  it('badly named files inside omitted directories are harmless', async () => {
    const repo = repoWith({ 'a.go': 'package a\n', "sub/go.mod": 'module sub\n', "sub/x.go'": 'bad\n', 'vendor/a/aux.go': 'x\n' });
    expect(await zipNames(new CodeRepo(M, M, repo), 'v1.0.0')).toEqual(['a.go']);
  });
});

describe('CodeRepo.zip, LICENSE fallback (spec §6.1, in-memory repo)', () => {
  const sub = `${M}/sub`;
  const base: Files = { 'sub/go.mod': `module ${sub}\n`, 'sub/s.go': 'package sub\n' };

  it.each([
    ['no sub/LICENSE: the root LICENSE is added', { 'LICENSE': 'root\n' }, ['LICENSE', 'go.mod', 's.go'], 'root\n'],
    ['sub/LICENSE is used as is', { 'LICENSE': 'root\n', 'sub/LICENSE': 'own\n' }, ['LICENSE', 'go.mod', 's.go'], 'own\n'],
    ['a symlinked sub/LICENSE suppresses the fallback and is omitted',
      { 'LICENSE': 'root\n', 'sub/LICENSE': { data: '../LICENSE', mode: '120000' } }, ['go.mod', 's.go'], undefined],
    ['no root LICENSE: nothing is added', {}, ['go.mod', 's.go'], undefined],
    ['a root LICENSE symlink contributes its link text', { 'LICENSE': { data: 'docs/LICENSE.txt', mode: '120000' } },
      ['LICENSE', 'go.mod', 's.go'], 'docs/LICENSE.txt'],
    ['only the exact name counts', { 'LICENSE': 'root\n', 'sub/LICENSE.md': 'md\n', 'sub/COPYING': 'c\n' },
      ['COPYING', 'LICENSE', 'LICENSE.md', 'go.mod', 's.go'], 'root\n'],
    ['a gitlink named LICENSE is a directory to git archive: the fallback applies',
      { 'LICENSE': 'root\n', 'sub/LICENSE': { data: '', mode: '160000' } }, ['LICENSE', 'go.mod', 's.go'], 'root\n'],
    ['the root LICENSE is read raw, without attribute conversion',
      { 'LICENSE': { data: 'root\n', archived: 'root\r\n' } }, ['LICENSE', 'go.mod', 's.go'], 'root\n'],
  ])('%s', async (_name, extra, want, license) => {
    const repo = new CodeRepo(sub, M, repoWith({ ...base, ...(extra as Files) }, 'sub/v1.0.0'));
    expect(await zipNames(repo, 'v1.0.0')).toEqual(want);
    const entries = await readZip((await zipOf(repo, 'v1.0.0')).zip);
    expect(entries.get(`${sub}@v1.0.0/LICENSE`)?.toString()).toBe(license);
  });

  it('a lower-case sub/license collides with the added LICENSE, as in cmd/go', async () => {
    const repo = new CodeRepo(sub, M, repoWith({ ...base, 'LICENSE': 'root\n', 'sub/license': 'lower\n' }, 'sub/v1.0.0'));
    const err = await rejection(repo.zip('v1.0.0', collector().out));
    expect(err.message).toBe(`${sub}@v1.0.0: create zip: LICENSE: case-insensitive file name collision: "license" and "LICENSE"`);
  });

  it('a root module zips its own LICENSE once', async () => {
    const repo = new CodeRepo(M, M, repoWith({ 'LICENSE': 'root\n', 'a.go': 'package a\n' }));
    expect(await zipNames(repo, 'v1.0.0')).toEqual(['LICENSE', 'a.go']);
  });

  it('a root LICENSE over 16 MiB added as fallback fails the zip', async () => {
    const big = Buffer.alloc((16 << 20) + 1, 0x61);
    const repo = new CodeRepo(sub, M, repoWith({ ...base, 'LICENSE': big }, 'sub/v1.0.0'));
    const err = await rejection(repo.zip('v1.0.0', collector().out));
    expect(err.message).toBe(`${sub}@v1.0.0: create zip: LICENSE: LICENSE file too large (max size is 16777216 bytes)`);
  });
});

describe('CodeRepo.zip, module directories (§11.24–25, in-memory repo)', () => {
  it('§11.24 a major subdirectory zips only v2/ plus the root LICENSE', async () => {
    expect(await zipNames(new CodeRepo(`${M}/v2`, M, majorSubdirFixture()), 'v2.0.0')).toEqual(['LICENSE', 'a.go', 'go.mod']);
    const own = new CodeRepo(`${M}/v2`, M, majorSubdirFixture(true));
    const entries = await readZip((await zipOf(own, 'v2.0.0')).zip);
    expect(entries.get(`${M}/v2@v2.0.0/LICENSE`)!.toString()).toBe('v2 license\n');
  });

  it('§11.24 the root module (as +incompatible) omits the v2/ module', async () => {
    expect(await zipNames(new CodeRepo(M, M, majorSubdirFixture()), 'v2.0.0+incompatible')).toEqual(['LICENSE', 'a.go']);
  });

  it('§11.25 the sub zip carries the M/sub@v1.0.0/ prefix; the root zip omits sub/', async () => {
    const { repo } = subdirFixture();
    expect(await zipNames(new CodeRepo(`${M}/sub`, M, repo), 'v1.0.0')).toEqual(['LICENSE', 'go.mod', 's.go']);
    expect(await zipNames(new CodeRepo(M, M, repo), 'v1.0.0')).toEqual(['LICENSE', 'a.go', 'go.mod']);
  });

  it('§11.21 an +incompatible zip names entries with the suffix', async () => {
    const repo = new CodeRepo(M, M, incompatibleFixture().repo);
    const { zip } = await zipOf(repo, 'v2.1.0+incompatible');
    expect([...(await readZip(zip)).keys()].sort()).toEqual([
      `${M}@v2.1.0+incompatible/LICENSE`,
      `${M}@v2.1.0+incompatible/a.go`,
    ]);
  });

  it('a pseudo-version zip is validated first, then named with the pseudo-version', async () => {
    const { repo, c } = subdirFixture();
    const v = `v1.0.1-0.${await tsRev(repo, c.c2)}`;
    expect(await zipNames(new CodeRepo(`${M}/sub`, M, repo), v)).toEqual(['LICENSE', 'go.mod', 's.go']);
    const bad = `v1.0.1-0.20990101000000-${c.c2.slice(0, 12)}`;
    const err = await rejection(new CodeRepo(`${M}/sub`, M, repo).zip(bad, collector().out));
    expect(err.message).toContain('invalid pseudo-version: does not match version-control timestamp');
  });

  it.each([
    ['a non-canonical version', 'v1.0', false],
    ['a build suffix', 'v1.0.0+meta', false],
    ['an unknown version', 'v1.9.0', true],
    ['a version Stat resolves differently', 'v2.1.0', false],
  ])('refuses %s', async (_name, version, notFound) => {
    const repo = new CodeRepo(M, M, incompatibleFixture().repo);
    const err = await rejection(repo.zip(version, collector().out));
    expect(isVersionNotFound(err)).toBe(notFound);
  });
});

describe('CodeRepo.zip, §11.30 zip-level failures (in-memory repo)', () => {
  it.each([
    ['a committed aux.go', { 'aux.go': 'package a\n' },
      'aux.go: malformed file path "aux.go": "aux" disallowed as path element component on Windows'],
    ['README and readme', { 'README': 'a\n', 'readme': 'b\n' }, 'case-insensitive file name collision: "README" and "readme"'],
    ['a root GO.MOD', { 'GO.MOD': `module ${M}\n` }, 'GO.MOD: go.mod files must have lowercase names'],
    ["a file bad.go'", { "bad.go'": 'x\n' }, `bad.go': malformed file path "bad.go'": invalid char '\\''`],
    ['a badly named symlink', { 'aux.go': { data: 'a.go', mode: '120000' } }, 'aux.go: malformed file path'],
    ['a root go.mod over 16 MiB', { 'go.mod': { data: `module ${M}\n`, treeSize: (16 << 20) + 1 } },
      'go.mod: go.mod file too large (max size is 16777216 bytes)'],
    ['more than 500 MiB in total', { 'big1.bin': { data: 'x', treeSize: 300 << 20 }, 'big2.bin': { data: 'y', treeSize: 300 << 20 } },
      'module source tree too large (max size is 524288000 bytes)'],
  ])('%s makes .zip fail while .info and .mod succeed', async (_name, files, reason) => {
    const repo = new CodeRepo(M, M, repoWith({ 'a.go': 'package a\n', ...(files as Files) }));
    const err = await rejection(repo.zip('v1.0.0', collector().out));
    expect(err.message).toContain(`${M}@v1.0.0: create zip: `);
    expect(err.message).toContain(reason);
    expect(isVersionNotFound(err)).toBe(false);
    expect((await repo.stat('v1.0.0')).version).toBe('v1.0.0');
    await repo.goMod('v1.0.0');
  });

  it('enforces the total size on the bytes git archive yields', async () => {
    const reader = repoWith({ 'a.txt': { data: 'abc', archived: 'a much longer converted text' } });
    const dir = await findDir(new RepoView(reader), locateModule(M, M), 'v1.0.0');
    const err = await rejection(writeModuleZip(reader, M, 'v1.0.0', dir, collector().out, { maxTotal: 10 }));
    expect(err.message).toBe(`${M}@v1.0.0: create zip: module source tree too large (max size is 10 bytes)`);
  });

  it('enforces the go.mod limit on the bytes git archive yields', async () => {
    const huge = Buffer.concat([Buffer.from(`module ${M}\n`), Buffer.alloc(16 << 20, 0x0a)]);
    const repo = new CodeRepo(M, M, repoWith({ 'go.mod': { data: `module ${M}\n`, archived: huge } }));
    const err = await rejection(repo.zip('v1.0.0', collector().out));
    expect(err.message).toBe(`${M}@v1.0.0: create zip: go.mod: go.mod file too large (max size is 16777216 bytes)`);
  });

  it('fails loudly when the archive lacks a file the tree lists', async () => {
    class LossyRepo extends InMemoryRepo {
      override async *archive(commit: string, dir: string) {
        for await (const entry of super.archive(commit, dir)) {
          if (entry.path === 'b.go') entry.body.resume();
          else yield entry;
        }
      }
    }
    const reader = new LossyRepo();
    const c = reader.addCommit({ time: hour(1), files: { 'a.go': 'package a\n', 'b.go': 'package a\n' } });
    reader.branch('main', c).tag('v1.0.0', c);
    await expect(new CodeRepo(M, M, reader).zip('v1.0.0', collector().out)).rejects.toThrow('lacks 1 listed file(s), first b.go');
  });
});
