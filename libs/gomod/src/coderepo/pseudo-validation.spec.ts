import { CodeRepo } from './code-repo.js';
import { InMemoryRepo } from './in-memory-repo.js';
import { M, branchFixture, hour, incompatibleFixture, rejection, tsRev } from './spec-helpers.js';
import { isVersionNotFound } from './version-errors.js';

/** §11.27: C1 (v1.2.0) → C2 on main; a side branch from C1 carries v1.3.0. */
function fixture(): { repo: InMemoryRepo; c1: string; c2: string; side: string } {
  const { repo, c1, c2 } = branchFixture();
  const side = repo.addCommit({ parents: [c1], time: hour(30), files: { 'side.go': 'package a\n' } });
  repo.branch('side', side).tag('v1.3.0', side);
  return { repo, c1, c2, side };
}

describe('pseudo-version validation (spec §4.3, §11.27, in-memory repo)', () => {
  const ts2 = '20200304050607';

  it.each([
    ['based on the ancestor tag v1.2.0', 'v1.2.1-0'],
    ['without a base (v0)', 'v0.0.0'],
  ])('accepts a pseudo-version %s', async (_name, head) => {
    const { repo, c2 } = fixture();
    const v = `${head}${head.endsWith('-0') ? '.' : '-'}${await tsRev(repo, c2)}`;
    expect(await new CodeRepo(M, M, repo).stat(v)).toMatchObject({ version: v, commit: c2 });
    expect((await new CodeRepo(M, M, repo).goMod(v)).toString()).toBe(`module ${M}\n`);
  });

  it.each([
    ['a 13-digit revision', (c2: string) => `v1.2.1-0.${ts2}-${c2.slice(0, 13)}`,
      (c2: string) => `revision is longer than canonical (expected ${c2.slice(0, 12)})`],
    ['an 11-digit revision', (c2: string) => `v1.2.1-0.${ts2}-${c2.slice(0, 11)}`,
      (c2: string) => `revision is shorter than canonical (expected ${c2.slice(0, 12)})`],
    ['a timestamp one second off', (c2: string) => `v1.2.1-0.20200304050608-${c2.slice(0, 12)}`,
      () => `does not match version-control timestamp (expected ${ts2})`],
    ['a base without a tag', (c2: string) => `v1.4.1-0.${ts2}-${c2.slice(0, 12)}`,
      () => 'preceding tag (v1.4.0) not found'],
    ['a base tagged on a side branch', (c2: string) => `v1.3.1-0.${ts2}-${c2.slice(0, 12)}`,
      (c2: string) => `revision ${c2.slice(0, 12)} is not a descendent of preceding tag (v1.3.0)`],
    ['v1 without a base on an unsuffixed path', (c2: string) => `v1.0.0-${ts2}-${c2.slice(0, 12)}`,
      () => 'major version without preceding tag must be v0, not v1'],
    ['a base with a negative patch', (c2: string) => `v1.3.0-0.${ts2}-${c2.slice(0, 12)}`,
      () => 'version before v1.3.0 would have negative patch number'],
  ])('refuses %s', async (_name, version, reason) => {
    const { repo, c2 } = fixture();
    const v = version(c2);
    const err = await rejection(new CodeRepo(M, M, repo).stat(v));
    expect(err.message).toBe(`${M}@${v}: invalid pseudo-version: ${reason(c2)}`);
    expect(isVersionNotFound(err)).toBe(false);
    // .mod and .zip re-run the validation.
    expect((await rejection(new CodeRepo(M, M, repo).goMod(v))).message).toBe(err.message);
  });

  it('refuses a pseudo-version derived from the canonical tag on the commit itself', async () => {
    const { repo, c1 } = fixture();
    const v = `v1.2.1-0.${await tsRev(repo, c1)}`;
    const err = await rejection(new CodeRepo(M, M, repo).stat(v));
    expect(err.message).toBe(
      `${M}@${v}: invalid pseudo-version: tag (v1.2.0) found on revision ${c1.slice(0, 12)} is already canonical, so should not be replaced with a pseudo-version derived from that tag`,
    );
  });

  it('accepts a base from a non-canonical tag on the commit itself (v1.2.3+meta)', async () => {
    const { repo, c2 } = fixture();
    repo.tag('v1.2.3+meta', c2);
    const v = `v1.2.4-0.${await tsRev(repo, c2)}`;
    expect((await new CodeRepo(M, M, repo).stat('v1.2.3+meta')).version).toBe(v);
    expect((await new CodeRepo(M, M, repo).stat(v)).version).toBe(v);
  });

  it('accepts a lower ancestor base than the highest one (tags may be added later)', async () => {
    const { repo, c1, c2 } = fixture();
    repo.tag('v1.0.0', c1);
    const later = repo.addCommit({ parents: [c2], time: hour(40), files: { 'l.go': 'package a\n' } });
    repo.branch('main', later);
    const v = `v1.0.1-0.${await tsRev(repo, later)}`;
    expect((await new CodeRepo(M, M, repo).stat(v)).version).toBe(v);
  });

  it('accepts a v0.0.0 pseudo-version even when the commit is tagged', async () => {
    const { repo, c1 } = fixture();
    const v = `v0.0.0-${await tsRev(repo, c1)}`;
    expect((await new CodeRepo(M, M, repo).stat(v)).version).toBe(v);
  });

  it('refuses a revision that names a different commit (a branch spelled like a short hash)', async () => {
    const { repo, c1, c2 } = fixture();
    const fake = 'abcdefabcdef';
    repo.branch(fake, c1);
    const v = `v1.2.1-0.${ts2}-${fake}`;
    const err = await rejection(new CodeRepo(M, M, repo).stat(v));
    expect(err.message).toContain(`does not match short name of revision (expected ${c1.slice(0, 12)})`);
    expect(c2).toBeDefined();
  });

  it('checks the go.mod location and major before the revision metadata', async () => {
    const { repo, c2 } = fixture();
    const v = `v2.0.0-20990101000000-${c2.slice(0, 12)}`;
    const err = await rejection(new CodeRepo(M, M, repo).stat(v));
    expect(err.message).toBe(
      `${M}@${v}: invalid version: module contains a go.mod file, so module path must match major version ("${M}/v2")`,
    );
    const sub = await rejection(new CodeRepo(`${M}/sub`, M, repo).stat(`v0.0.0-20990101000000-${c2.slice(0, 12)}`));
    expect(sub.message).toContain(`invalid version: missing ${M}/sub/go.mod at revision ${c2.slice(0, 12)}`);
    expect(isVersionNotFound(sub)).toBe(true);
  });

  it('a /v2 path takes a v2 pseudo-version and refuses a v1 one', async () => {
    const repo = new InMemoryRepo();
    const c = repo.addCommit({ time: hour(1), files: { 'go.mod': `module ${M}/v2\n` } });
    repo.branch('main', c);
    const cr = new CodeRepo(`${M}/v2`, M, repo);
    expect((await cr.stat(`v2.0.0-${await tsRev(repo, c)}`)).version).toBe(`v2.0.0-${await tsRev(repo, c)}`);
    const err = await rejection(cr.stat(`v0.0.0-${await tsRev(repo, c)}`));
    expect(err.message).toContain('module path includes a major version suffix, so major version must match');
  });

  it('without a go.mod, vN.0.0-…+incompatible is accepted and the bare form gets the suffix', async () => {
    const { repo, c } = incompatibleFixture();
    const base = `v2.0.0-${await tsRev(repo, c.v100)}`;
    const cr = new CodeRepo(M, M, repo);
    expect((await cr.stat(`${base}+incompatible`)).version).toBe(`${base}+incompatible`);
    expect((await cr.stat(base)).version).toBe(`${base}+incompatible`);
    const based = `v2.0.1-0.${await tsRev(repo, c.v210)}+incompatible`;
    // v2.0.0 is an ancestor of v2.1.0's commit; the v2.1.0 tag on the commit is not equal to the base.
    expect((await cr.stat(based)).version).toBe(based);
  });
});
