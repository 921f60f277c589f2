import { hashGoMod } from '../dirhash.js';
import { CodeRepo } from './code-repo.js';
import { InMemoryRepo } from './in-memory-repo.js';
import { infoJson } from './rev-info.js';
import { hashEntries, readZip, rejection, zipOf } from './spec-helpers.js';
import { isVersionNotFound } from './version-errors.js';

/*
 * The structure of github.com/rsc/vgotest1 (spec §11 items 16–19), rebuilt in memory with
 * synthetic file contents: the expectations are versions, layouts and error messages; the real
 * repository's hashes are pinned by the real-git conformance suite.
 */
const V = 'github.com/rsc/vgotest1';
const first = '80d85c5d4d17598a0e9055e7c175a32b415d6128';

function vgotest1(): InMemoryRepo {
  const repo = new InMemoryRepo();
  const c0 = repo.addCommit({
    hash: first,
    time: '2018-02-19T23:10:06Z',
    files: { 'LICENSE': 'Copyright\n', 'README.md': '# vgotest1\n', 'pkg/p.go': 'package p\n' },
  });
  const c1 = repo.addCommit({ parents: [c0], time: '2018-02-19T23:14:23Z', files: { 'pkg/p.go': 'package p // 1\n' } });
  const c2 = repo.addCommit({ parents: [c1], time: '2018-02-19T23:20:00Z', files: { 'pkg/p.go': 'package p // 2\n' } });
  const c3 = repo.addCommit({ parents: [c2], time: '2018-02-19T23:30:00Z', files: { 'pkg/p.go': 'package p // 3\n' } });
  const c4 = repo.addCommit({
    parents: [c3],
    time: '2018-02-20T00:00:00Z',
    files: {
      'go.mod': `module "${V}" // root go.mod\n`,
      'submod/go.mod': 'module "github.com/vgotest1/submod" // submod/go.mod\n',
      'submod/pkg/p.go': 'package p // submod\n',
    },
  });
  repo.branch('master', c4);
  repo.tag('v0.0.0', c0).tag('v1.0.0', c0).tag('mytag', c0);
  repo.tag('v0.0.1', c1).tag('v1.0.1', c1).tag('v1.0.2', c2).tag('v1.0.3', c3).tag('v1.1.0', c4);
  repo.tag('submod/v1.0.4', c4);

  const v2Trees: Array<Record<string, string | null>> = [
    { 'go.mod': `module ${V}/v2\n` }, // v2.0.0: major branch
    { 'go.mod': null }, // v2.0.1: no go.mod at all
    { 'go.mod': `module ${V}\n` }, // v2.0.2: unversioned root go.mod
    { 'go.mod': null, 'v2/go.mod': 'module github.com/rsc/vgotest\n', 'v2/pkg/p.go': 'package p // v2\n' }, // v2.0.3
    { 'go.mod': `module ${V}/v2\n`, 'v2/go.mod': `module ${V}/v2\n` }, // v2.0.4: both
    { 'go.mod': `module ${V}\n`, 'v2/go.mod': `module ${V}/v2\n` }, // v2.0.5: major subdirectory
    { 'v2/pkg/p.go': 'package p // v2.0.6\n' }, // v2.0.6
  ];
  let parent = c4;
  v2Trees.forEach((files, i) => {
    parent = repo.addCommit({ parents: [parent], time: `2018-07-19T01:2${i}:00Z`, files });
    repo.tag(`v2.0.${i}`, parent);
  });
  repo.branch('v2', parent);
  return repo;
}

describe('vgotest1-like repository (spec §11.16–19, in-memory repo)', () => {
  it('§11.17 @v/list has no +incompatible entries: v1.1.0 has a go.mod', async () => {
    expect(await new CodeRepo(V, V, vgotest1()).versions()).toEqual([
      'v0.0.0', 'v0.0.1', 'v1.0.0', 'v1.0.1', 'v1.0.2', 'v1.0.3', 'v1.1.0',
    ]);
    expect(await new CodeRepo(`${V}/v2`, V, vgotest1()).versions()).toEqual([
      'v2.0.0', 'v2.0.1', 'v2.0.2', 'v2.0.3', 'v2.0.4', 'v2.0.5', 'v2.0.6',
    ]);
  });

  it.each(['80d85c5', '80d85c5d4d17', first, 'mytag', 'v1.0.0'])('§11.18 @%s gives v1.0.0', async (query) => {
    const info = await new CodeRepo(V, V, vgotest1()).stat(query);
    expect(info).toMatchObject({ version: 'v1.0.0', commit: first, time: new Date('2018-02-19T23:10:06Z') });
  });

  it('§11.18 v0.0.0 is still served as itself, with its own .info', async () => {
    const info = await new CodeRepo(V, V, vgotest1()).stat('v0.0.0');
    expect(infoJson(info, { url: 'https://github.com/rsc/vgotest1', subdir: '' })).toBe(
      `{"Version":"v0.0.0","Time":"2018-02-19T23:10:06Z","Origin":{"VCS":"git","URL":"https://github.com/rsc/vgotest1","Hash":"${first}","Ref":"refs/tags/v0.0.0"}}`,
    );
  });

  it('§11.18 the form-1 pseudo-version of the first commit is accepted and zips LICENSE, README.md, pkg/p.go', async () => {
    const repo = new CodeRepo(V, V, vgotest1());
    const v = 'v0.0.0-20180219231006-80d85c5d4d17';
    expect((await repo.stat(v)).version).toBe(v);
    expect((await repo.goMod(v)).toString()).toBe(`module ${V}\n`);
    const { result, zip } = await zipOf(repo, v);
    const entries = await readZip(zip);
    expect([...entries.keys()].sort()).toEqual([`${V}@${v}/LICENSE`, `${V}@${v}/README.md`, `${V}@${v}/pkg/p.go`]);
    expect(result.h1).toBe(await hashEntries(entries));
  });

  it.each([
    ['v0.0.1-0.20180219231006-80d85c5d4d17', 'v0.0.0'],
    ['v1.0.1-0.20180219231006-80d85c5d4d17', 'v1.0.0'],
  ])('§11.18 %s is refused: tag %s is on the commit', async (v, tag) => {
    const err = await rejection(new CodeRepo(V, V, vgotest1()).stat(v));
    expect(err.message).toBe(
      `${V}@${v}: invalid pseudo-version: tag (${tag}) found on revision 80d85c5d4d17 is already canonical, so should not be replaced with a pseudo-version derived from that tag`,
    );
  });

  it('§11.16 submod v1.0.4: go.mod served raw although its path differs, root LICENSE zipped', async () => {
    const repo = new CodeRepo(`${V}/submod`, V, vgotest1());
    const info = await repo.stat('v1.0.4');
    expect(info.version).toBe('v1.0.4');
    expect(infoJson(info, { url: 'https://github.com/rsc/vgotest1', subdir: repo.codeDir })).toContain(
      '"Subdir":"submod","Hash":',
    );
    const mod = await repo.goMod('v1.0.4');
    expect(mod.toString()).toBe('module "github.com/vgotest1/submod" // submod/go.mod\n');
    expect(hashGoMod(mod)).toMatch(/^h1:/);
    const { zip } = await zipOf(repo, 'v1.0.4');
    const entries = await readZip(zip);
    expect([...entries.keys()].sort()).toEqual([
      `${V}/submod@v1.0.4/LICENSE`,
      `${V}/submod@v1.0.4/go.mod`,
      `${V}/submod@v1.0.4/pkg/p.go`,
    ]);
    expect(entries.get(`${V}/submod@v1.0.4/LICENSE`)!.toString()).toBe('Copyright\n');
  });

  it('§11.16 submod v1.0.0 is an unknown revision', async () => {
    const err = await rejection(new CodeRepo(`${V}/submod`, V, vgotest1()).stat('v1.0.0'));
    expect(err.message).toBe(`${V}/submod@v1.0.0: invalid version: unknown revision submod/v1.0.0`);
    expect(isVersionNotFound(err)).toBe(true);
  });

  it('the root module zip at v1.1.0 omits the submod/ module', async () => {
    const { zip } = await zipOf(new CodeRepo(V, V, vgotest1()), 'v1.1.0');
    expect([...(await readZip(zip)).keys()].map((n) => n.slice(`${V}@v1.1.0/`.length)).sort()).toEqual([
      'LICENSE', 'README.md', 'go.mod', 'pkg/p.go',
    ]);
  });

  it.each([
    ['v2.0.1', `missing ${V}/go.mod and .../v2/go.mod at revision v2.0.1`],
    ['v2.0.2', `go.mod has non-.../v2 module path "${V}" (and .../v2/go.mod does not exist) at revision v2.0.2`],
    ['v2.0.3', `${V}/v2/go.mod has non-.../v2 module path "github.com/rsc/vgotest" at revision v2.0.3`],
    ['v2.0.4', `${V}/go.mod and .../v2/go.mod both have .../v2 module paths at revision v2.0.4`],
  ])('§11.19 /v2@%s fails', async (v, reason) => {
    const err = await rejection(new CodeRepo(`${V}/v2`, V, vgotest1()).stat(v));
    expect(err.message).toBe(`${V}/v2@${v}: invalid version: ${reason}`);
    expect(isVersionNotFound(err)).toBe(true);
  });

  it('§11.19 /v2@v2.0.0 uses the major branch, /v2@v2.0.5 the v2/ subdirectory', async () => {
    const repo = new CodeRepo(`${V}/v2`, V, vgotest1());
    expect((await repo.goMod('v2.0.0')).toString()).toBe(`module ${V}/v2\n`);
    const { zip } = await zipOf(repo, 'v2.0.5');
    expect([...(await readZip(zip)).keys()].map((n) => n.slice(`${V}/v2@v2.0.5/`.length)).sort()).toEqual([
      'LICENSE', 'go.mod', 'pkg/p.go',
    ]);
  });

  it('@latest is the tag on HEAD', async () => {
    expect(await new CodeRepo(V, V, vgotest1()).latest()).toMatchObject({ version: 'v1.1.0', ref: 'HEAD' });
  });
});
