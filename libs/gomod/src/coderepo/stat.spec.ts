import { CodeRepo } from './code-repo.js';
import { InMemoryRepo } from './in-memory-repo.js';
import {
  M,
  branchFixture,
  hour,
  incompatibleFixture,
  majorSubdirFixture,
  majorWithoutSuffixFixture,
  rejection,
  subdirFixture,
  tsRev,
} from './spec-helpers.js';
import { isVersionNotFound } from './version-errors.js';

describe('CodeRepo.stat, §11.21–22 +incompatible (in-memory repo)', () => {
  it.each([
    ['v2.1.0', 'v2.1.0+incompatible'],
    ['v2.1.0+incompatible', 'v2.1.0+incompatible'],
    ['v3.0.0-beta', 'v3.0.0-beta+incompatible'],
    ['v1.0.0', 'v1.0.0'],
  ])('§11.21 %s resolves to %s', async (query, want) => {
    const { repo, c } = incompatibleFixture();
    const info = await new CodeRepo(M, M, repo).stat(query);
    expect(info.version).toBe(want);
    if (want.startsWith('v2.1.0')) expect(info).toMatchObject({ commit: c.v210, ref: 'refs/tags/v2.1.0' });
  });

  it('short versions are tag names: without a tag `v1` they are unknown (the go command retries canonically)', async () => {
    const repo = new CodeRepo(M, M, incompatibleFixture().repo);
    for (const v of ['v1', 'v2.1']) {
      const err = await rejection(repo.stat(v));
      expect(err.message).toBe(`${M}@${v}: invalid version: unknown revision ${v}`);
      expect(isVersionNotFound(err)).toBe(true);
    }
  });

  it('§11.21 the .mod of an +incompatible version is `module <M>`', async () => {
    const repo = new CodeRepo(M, M, incompatibleFixture().repo);
    expect((await repo.goMod('v2.1.0+incompatible')).toString()).toBe(`module ${M}\n`);
    // The go command never asks for v2.1.0 itself: Stat answers v2.1.0+incompatible.
    const err = await rejection(repo.goMod('v2.1.0'));
    expect(err.message).toBe(`${M}@v2.1.0: invalid version: resolves to version v2.1.0+incompatible`);
  });

  it('§11.22 an explicitly requested +incompatible version still resolves', async () => {
    const repo = new CodeRepo(M, M, incompatibleFixture(true).repo);
    expect((await repo.stat('v2.0.0+incompatible')).version).toBe('v2.0.0+incompatible');
    expect((await repo.stat('v2.0.0')).version).toBe('v2.0.0+incompatible');
  });

  it('§11.22 +incompatible is refused where the commit has a go.mod', async () => {
    const repo = new CodeRepo(M, M, incompatibleFixture(true).repo);
    for (const v of ['v2.1.0+incompatible', 'v2.1.0']) {
      const err = await rejection(repo.stat(v));
      expect(err.message).toBe(
        `${M}@${v}: invalid version: module contains a go.mod file, so module path must match major version ("${M}/v2")`,
      );
      expect(isVersionNotFound(err)).toBe(false);
    }
  });

  it('@latest (HEAD at v3.0.0-beta) resolves to the tag on HEAD', async () => {
    const info = await new CodeRepo(M, M, incompatibleFixture().repo).latest();
    expect(info).toMatchObject({ version: 'v3.0.0-beta+incompatible', ref: 'HEAD' });
    expect(await new CodeRepo(M, M, incompatibleFixture().repo).stat('latest')).toEqual(info);
  });
});

describe('CodeRepo.stat, §11.23–24 major versions (in-memory repo)', () => {
  it('§11.23 M@v2.0.0 fails: the go.mod wants a /v2 path', async () => {
    const err = await rejection(new CodeRepo(M, M, majorWithoutSuffixFixture()).stat('v2.0.0'));
    expect(err.message).toBe(
      `${M}@v2.0.0: invalid version: module contains a go.mod file, so module path must match major version ("${M}/v2")`,
    );
  });

  it('§11.23 M/v2@v2.0.0 fails in findDir, as "not found"', async () => {
    const err = await rejection(new CodeRepo(`${M}/v2`, M, majorWithoutSuffixFixture()).stat('v2.0.0'));
    expect(err.message).toBe(
      `${M}/v2@v2.0.0: invalid version: go.mod has non-.../v2 module path "${M}" (and .../v2/go.mod does not exist) at revision v2.0.0`,
    );
    expect(isVersionNotFound(err)).toBe(true);
  });

  it('§11.24 M/v2@v2.0.0 resolves through v2/go.mod', async () => {
    const repo = new CodeRepo(`${M}/v2`, M, majorSubdirFixture());
    expect((await repo.stat('v2.0.0')).version).toBe('v2.0.0');
    expect((await repo.goMod('v2.0.0')).toString()).toBe(`module ${M}/v2\n`);
  });

  it('§11.24 M@v2.0.0 fails because of v2/go.mod (Go 1.18+), M@v2.0.0+incompatible succeeds', async () => {
    const repo = new CodeRepo(M, M, majorSubdirFixture());
    const err = await rejection(repo.stat('v2.0.0'));
    expect(err.message).toBe(
      `${M}@v2.0.0: invalid version: module contains a go.mod file, so module path must match major version ("${M}/v2")`,
    );
    expect((await repo.stat('v2.0.0+incompatible')).version).toBe('v2.0.0+incompatible');
    expect((await repo.goMod('v2.0.0+incompatible')).toString()).toBe(`module ${M}\n`);
  });

  it('a +incompatible suffix on a matching major is refused', async () => {
    const repo = new CodeRepo(`${M}/v2`, M, majorSubdirFixture());
    const err = await rejection(repo.stat('v2.0.0+incompatible'));
    expect(err.message).toBe(`${M}/v2@v2.0.0+incompatible: invalid version: +incompatible suffix not allowed: major version v2 is compatible`);
    const v1 = await rejection(new CodeRepo(M, M, majorWithoutSuffixFixture()).stat('v1.0.0+incompatible'));
    expect(v1.message).toBe(`${M}@v1.0.0+incompatible: invalid version: +incompatible suffix not allowed: major version v1 is compatible`);
  });

  it('a /v2 path refuses a v1 tag', async () => {
    const err = await rejection(new CodeRepo(`${M}/v2`, M, majorWithoutSuffixFixture()).stat('v1.0.0'));
    // findDir comes first: the root go.mod does not claim /v2.
    expect(err.message).toContain('go.mod has non-.../v2 module path');
    const repo = new InMemoryRepo();
    const c = repo.addCommit({ time: hour(1), files: { 'go.mod': `module ${M}/v2\n` } });
    repo.branch('main', c).tag('v1.0.0', c);
    const err2 = await rejection(new CodeRepo(`${M}/v2`, M, repo).stat('v1.0.0'));
    expect(err2.message).toBe(
      `${M}/v2@v1.0.0: invalid version: module path includes a major version suffix, so major version must match`,
    );
  });
});

describe('CodeRepo.stat, §11.25 subdirectory module (in-memory repo)', () => {
  it('v1.0.0 resolves through the prefixed tag', async () => {
    const { repo, c } = subdirFixture();
    expect(await new CodeRepo(`${M}/sub`, M, repo).stat('v1.0.0')).toEqual({
      version: 'v1.0.0',
      time: new Date(hour(1)),
      commit: c.c1,
      ref: 'refs/tags/sub/v1.0.0',
    });
  });

  it('v1.2.0+meta becomes a pseudo-version based on v1.2.0', async () => {
    const { repo, c } = subdirFixture();
    const info = await new CodeRepo(`${M}/sub`, M, repo).stat('v1.2.0+meta');
    expect(info.version).toBe(`v1.2.1-0.${await tsRev(repo, c.c3)}`);
  });

  it('v1.1 (tag sub/v1.1) becomes a pseudo-version based on the ancestor sub/v1.0.0', async () => {
    const { repo, c } = subdirFixture();
    const info = await new CodeRepo(`${M}/sub`, M, repo).stat('v1.1');
    expect(info.version).toBe(`v1.0.1-0.${await tsRev(repo, c.c2)}`);
  });

  it('a raw tag name resolves too', async () => {
    const { repo } = subdirFixture();
    expect((await new CodeRepo(`${M}/sub`, M, repo).stat('sub/v1.0.0')).version).toBe('v1.0.0');
  });

  it('the root module does not take sub/ tags, and its tags do not leak into sub', async () => {
    const { repo, c } = subdirFixture();
    const root = new CodeRepo(M, M, repo);
    expect((await root.stat(c.c3)).version).toBe(`v1.0.1-0.${await tsRev(repo, c.c3)}`);
    const err = await rejection(new CodeRepo(`${M}/sub`, M, repo).stat('v9.0.0'));
    expect(err.message).toBe(`${M}/sub@v9.0.0: invalid version: unknown revision sub/v9.0.0`);
    expect(isVersionNotFound(err)).toBe(true);
  });

  it('a pseudo-version of the subdirectory module validates against prefixed tags', async () => {
    const { repo, c } = subdirFixture();
    const v = `v1.0.1-0.${await tsRev(repo, c.c2)}`;
    expect((await new CodeRepo(`${M}/sub`, M, repo).stat(v)).version).toBe(v);
  });

  it('a subdirectory module needs its go.mod at the commit', async () => {
    const { repo } = subdirFixture();
    const err = await rejection(new CodeRepo(`${M}/other`, M, repo).stat('main'));
    expect(err.message).toMatch(new RegExp(`^${M}/other@v0\\.0\\.0-\\d{14}-[0-9a-f]{12}: invalid version: missing ${M}/other/go.mod at revision [0-9a-f]{12}$`));
    expect(isVersionNotFound(err)).toBe(true);
  });
});

describe('CodeRepo.stat, §11.26 branches and hashes (in-memory repo)', () => {
  it('@main gives a pseudo-version on top of v1.2.0', async () => {
    const { repo, c2 } = branchFixture();
    const info = await new CodeRepo(M, M, repo).stat('main');
    expect(info).toEqual({
      version: `v1.2.1-0.${await tsRev(repo, c2)}`,
      time: new Date('2020-03-04T05:06:07Z'),
      commit: c2,
      ref: 'refs/heads/main',
    });
  });

  it.each([7, 8, 12, 40])('@<C1 hash prefix of %d> gives v1.2.0', async (n) => {
    const { repo, c1 } = branchFixture();
    const info = await new CodeRepo(M, M, repo).stat(c1.slice(0, n));
    expect(info).toMatchObject({ version: 'v1.2.0', commit: c1, ref: 'refs/tags/v1.2.0' });
  });

  it('a hash prefix of a commit that no ref points at has no ref', async () => {
    const { repo, c1, c2 } = branchFixture();
    const c3 = repo.addCommit({ parents: [c2], time: hour(100), files: {} });
    repo.branch('main', c3);
    const info = await new CodeRepo(M, M, repo).stat(c2.slice(0, 10));
    expect(info.version).toBe(`v1.2.1-0.${await tsRev(repo, c2)}`);
    expect(info.ref).toBeUndefined();
    expect(c1).not.toBe(c2);
  });

  it('moving main back to C1 makes @main v1.2.0', async () => {
    const { repo, c1 } = branchFixture();
    repo.branch('main', c1);
    expect((await new CodeRepo(M, M, repo).stat('main')).version).toBe('v1.2.0');
    expect((await new CodeRepo(M, M, repo).latest()).version).toBe('v1.2.0');
  });

  it('a branch named like a version is not a tag', async () => {
    const { repo, c2 } = branchFixture();
    repo.branch('v1.5.0', c2);
    const err = await rejection(new CodeRepo(M, M, repo).stat('v1.5.0'));
    expect(err.message).toBe(
      `${M}@v1.5.0: invalid version: resolves to version v1.2.1-0.${await tsRev(repo, c2)} (v1.5.0 is not a tag)`,
    );
  });

  it('a tag wins over a branch of the same name, and a branch over a hash', async () => {
    const { repo, c1, c2 } = branchFixture();
    repo.branch('v1.2.0', c2);
    expect((await new CodeRepo(M, M, repo).stat('v1.2.0')).commit).toBe(c1);
    repo.branch(c1.slice(0, 7), c2);
    expect((await new CodeRepo(M, M, repo).stat(c1.slice(0, 7))).commit).toBe(c2);
  });

  it.each([
    ['unknown branch', 'nope', 'unknown revision nope'],
    ['upper-case hex', 'ABCDEF1', 'unknown revision ABCDEF1'],
    ['six hex digits', 'abcdef', 'unknown revision abcdef'],
    ['unknown version', 'v7.0.0', 'unknown revision v7.0.0'],
    ['unknown pseudo-version revision', 'v0.0.0-20200101000000-ffffffffffff', 'unknown revision ffffffffffff'],
  ])('%s is not found', async (_name, query, reason) => {
    const err = await rejection(new CodeRepo(M, M, branchFixture().repo).stat(query));
    expect(err.message).toBe(`${M}@${query}: invalid version: ${reason}`);
    expect(isVersionNotFound(err)).toBe(true);
  });

  it('@latest on a repository without HEAD is not found ("no commits")', async () => {
    const { repo } = branchFixture();
    repo.setHead(null);
    const err = await rejection(new CodeRepo(M, M, repo).latest());
    expect(err.message).toBe(`module ${M}: no commits`);
    expect(isVersionNotFound(err)).toBe(true);
  });

  it('@latest with HEAD on a branch tip gives the pseudo-version and ref HEAD', async () => {
    const { repo, c2 } = branchFixture();
    expect(await new CodeRepo(M, M, repo).latest()).toMatchObject({
      version: `v1.2.1-0.${await tsRev(repo, c2)}`,
      ref: 'HEAD',
      commit: c2,
    });
  });

  it('several tags on one commit: the highest allowed canonical tag wins', async () => {
    const { repo, c2 } = branchFixture();
    repo.tag('v1.3.0', c2).tag('v1.4.0-rc.1', c2).tag('v1.3.1+meta', c2).tag('v2.0.0', c2);
    const cr = new CodeRepo(M, M, repo);
    expect((await cr.stat('main')).version).toBe('v1.4.0-rc.1');
    expect((await cr.stat('v1.3.0')).version).toBe('v1.3.0');
    // A non-canonical equal tag yields to the canonical tags on the commit.
    expect((await cr.stat('v1.3.1+meta')).version).toBe('v1.4.0-rc.1');
  });

  it('a pseudo-version base is the highest ancestor tag, not the newest', async () => {
    const { repo, c1, c2 } = branchFixture();
    const side = repo.addCommit({ parents: [c1], time: hour(50), files: { 'b.go': 'package a\n' } });
    repo.branch('side', side).tag('v1.9.0', side);
    const mid = repo.addCommit({ parents: [c2], time: hour(60), files: { 'c.go': 'package a\n' } });
    repo.tag('v1.2.5', c2);
    const merge = repo.addCommit({ parents: [mid, side], time: hour(70), files: { 'd.go': 'package a\n' } });
    repo.branch('main', merge);
    const cr = new CodeRepo(M, M, repo);
    expect((await cr.stat('main')).version).toBe(`v1.9.1-0.${await tsRev(repo, merge)}`);
    expect((await cr.stat(mid)).version).toBe(`v1.2.6-0.${await tsRev(repo, mid)}`);
  });

  it('ancestry is tested from the highest candidate down and stops at the first ancestor', async () => {
    const { repo, c2 } = branchFixture();
    let tip = c2;
    for (let i = 0; i < 20; i++) {
      tip = repo.addCommit({ parents: [tip], time: hour(100 + i), files: { 'a.go': `package a // ${i}\n` } });
      repo.tag(`v1.3.${i}`, tip);
    }
    const head = repo.addCommit({ parents: [tip], time: hour(200), files: { 'z.go': 'package a\n' } });
    repo.branch('main', head);
    const cr = new CodeRepo(M, M, repo);
    expect((await cr.stat('main')).version).toBe(`v1.3.20-0.${await tsRev(repo, head)}`);
    expect(repo.calls['isAncestor']).toBe(1);
  });

  it('prefers a v1 base over v0 and ignores +incompatible-only majors when a go.mod exists', async () => {
    const { repo, c1, c2 } = branchFixture();
    repo.tag('v0.9.0', c1).tag('v3.0.0', c1);
    expect((await new CodeRepo(M, M, repo).stat(c2)).version).toBe(`v1.2.1-0.${await tsRev(repo, c2)}`);
  });

  it('without a go.mod, a v2 ancestor tag gives an +incompatible pseudo-version', async () => {
    const { repo, c } = incompatibleFixture();
    const next = repo.addCommit({ parents: [c.v300], time: hour(9), files: { 'b.go': 'package a\n' } });
    repo.branch('main', next);
    expect((await new CodeRepo(M, M, repo).stat('main')).version).toBe(
      `v3.0.0-beta.0.${await tsRev(repo, next)}+incompatible`,
    );
  });

  it('a /v2 module without ancestor tags gets a v2.0.0 pseudo-version', async () => {
    const repo = new InMemoryRepo();
    const c = repo.addCommit({ time: hour(1), files: { 'go.mod': `module ${M}/v2\n` } });
    repo.branch('main', c).tag('v1.0.0', c);
    expect((await new CodeRepo(`${M}/v2`, M, repo).stat('main')).version).toBe(`v2.0.0-${await tsRev(repo, c)}`);
  });

  it('gopkg.in .v1 without tags gets a v1.0.0 pseudo-version', async () => {
    const repo = new InMemoryRepo();
    const c = repo.addCommit({ time: hour(1), files: { 'a.go': 'package check\n' } });
    repo.branch('master', c);
    const cr = new CodeRepo('gopkg.in/check.v1', 'gopkg.in/check.v1', repo);
    const info = await cr.stat(c.slice(0, 12));
    expect(info.version).toBe(`v1.0.0-${await tsRev(repo, c)}`);
    expect((await cr.goMod(info.version)).toString()).toBe('module gopkg.in/check.v1\n');
  });
});

describe('CodeRepo.stat, §11.28 retractions (in-memory repo)', () => {
  function retractFixture(goMod110: string): { repo: InMemoryRepo; c: Record<string, string> } {
    const repo = new InMemoryRepo();
    const v100 = repo.addCommit({ time: hour(1), files: { 'go.mod': `module ${M}\n` } });
    const v110 = repo.addCommit({ parents: [v100], time: hour(2), files: { 'go.mod': goMod110 } });
    const c3 = repo.addCommit({ parents: [v110], time: hour(3), files: { 'a.go': 'package a\n' } });
    repo.branch('main', c3).tag('v1.0.0', v100).tag('v1.1.0', v110);
    return { repo, c: { v100, v110, c3 } };
  }

  it('a retracted tag is not a pseudo-version base', async () => {
    const { repo, c } = retractFixture(`module ${M}\n\nretract v1.1.0 // oops\n`);
    const cr = new CodeRepo(M, M, repo);
    expect((await cr.stat(c.c3.slice(0, 12))).version).toBe(`v1.0.1-0.${await tsRev(repo, c.c3)}`);
    expect((await cr.stat('v1.1.0')).version).toBe('v1.1.0');
  });

  it('a retracted tag on the commit is not the "highest tag" for a branch query', async () => {
    const { repo, c } = retractFixture(`module ${M}\nretract [v1.0.5, v1.1.9]\n`);
    repo.branch('main', c.v110);
    expect((await new CodeRepo(M, M, repo).stat('main')).version).toBe(`v1.0.1-0.${await tsRev(repo, c.v110)}`);
  });

  it('retract blocks with comments are read', async () => {
    const goMod = `module ${M}\n\nretract (\n\t// bad releases\n\tv1.1.0 // broken\n\t[v0.1.0, v0.2.0]\n)\n`;
    const { repo, c } = retractFixture(goMod);
    expect((await new CodeRepo(M, M, repo).stat('main')).version).toBe(`v1.0.1-0.${await tsRev(repo, c.c3)}`);
  });

  it('a go.mod that does not parse means no retractions', async () => {
    const { repo, c } = retractFixture(`module ${M}\nretract v1.1.0\nrequire (\n`);
    expect((await new CodeRepo(M, M, repo).stat('main')).version).toBe(`v1.1.1-0.${await tsRev(repo, c.c3)}`);
  });

  it('retractions come from the highest release, not from a later prerelease', async () => {
    const { repo, c } = retractFixture(`module ${M}\nretract v1.1.0\n`);
    const pre = repo.addCommit({ parents: [c.c3], time: hour(4), files: { 'go.mod': `module ${M}\n` } });
    const tip = repo.addCommit({ parents: [pre], time: hour(5), files: { 'b.go': 'package a\n' } });
    repo.tag('v1.2.0-rc.1', pre).branch('main', tip);
    // v1.1.0 is the highest release, so its retraction of itself holds; v1.2.0-rc.1 is the base.
    expect((await new CodeRepo(M, M, repo).stat('main')).version).toBe(`v1.2.0-rc.1.0.${await tsRev(repo, tip)}`);
  });
});
