import { findDir, isMajor, revToRev } from './find-dir.js';
import { InMemoryRepo } from './in-memory-repo.js';
import { locateModule } from './module-location.js';
import { RepoView } from './repo-view.js';
import { RevisionError } from './version-errors.js';

const R = 'github.com/o/r';

function repoAt(tag: string, files: Record<string, string>): InMemoryRepo {
  const repo = new InMemoryRepo();
  const c = repo.addCommit({ time: '2020-01-02T03:04:05Z', files: { 'LICENSE': 'license\n', ...files } });
  repo.branch('main', c).tag(tag, c);
  return repo;
}

function find(m: string, r: string, repo: InMemoryRepo, version: string) {
  return findDir(new RepoView(repo), locateModule(m, r), version);
}

async function failure(m: string, r: string, repo: InMemoryRepo, version: string): Promise<RevisionError> {
  try {
    await find(m, r, repo, version);
  } catch (err) {
    if (err instanceof RevisionError) return err;
    throw err;
  }
  throw new Error('findDir succeeded');
}

describe('findDir (spec §3.3, in-memory repo)', () => {
  it.each([
    ['root, no go.mod (legacy)', R, 'v1.0.0', 'v1.0.0', {}, '', false],
    ['root go.mod', R, 'v1.0.0', 'v1.0.0', { 'go.mod': `module ${R}\n` }, '', true],
    ['root go.mod naming another path is still served', R, 'v1.0.0', 'v1.0.0', { 'go.mod': 'module example.com/other\n' }, '', true],
    ['root go.mod with a v1 gopkg.in path', R, 'v1.0.0', 'v1.0.0', { 'go.mod': 'module gopkg.in/yaml.v1\n' }, '', true],
    ['gopkg.in path accepted for an unversioned module (issue 34254)', R, 'v1.0.0', 'v1.0.0', { 'go.mod': 'module gopkg.in/yaml.v2\n' }, '', true],
    ['major branch', `${R}/v2`, 'v2.0.0', 'v2.0.0', { 'go.mod': `module ${R}/v2\n` }, '', true],
    ['major branch declared with .v2', `${R}/v2`, 'v2.0.0', 'v2.0.0', { 'go.mod': 'module gopkg.in/r.v2\n' }, '', true],
    ['major subdirectory, tag without v2/ prefix', `${R}/v2`, 'v2.0.0', 'v2.0.0', { 'v2/go.mod': `module ${R}/v2\n` }, 'v2', true],
    ['subdirectory module', `${R}/sub`, 'sub/v1.0.0', 'v1.0.0', { 'sub/go.mod': `module ${R}/sub\n` }, 'sub', true],
    ['subdirectory module, major subdirectory', `${R}/sub/v2`, 'sub/v2.0.0', 'v2.0.0', { 'sub/v2/go.mod': `module ${R}/sub/v2\n` }, 'sub/v2', true],
    ['+incompatible reads the plain tag', R, 'v2.0.0', 'v2.0.0+incompatible', {}, '', false],
    ['gopkg.in, no go.mod', 'gopkg.in/yaml.v2', 'v2.1.0', 'v2.1.0', {}, '', false],
    ['go.mod with quoted path and comment', R, 'v1.0.0', 'v1.0.0', { 'go.mod': `module "${R}" // quoted\n` }, '', true],
  ])('%s', async (_name, m, tag, version, files: Record<string, string>, dir, hasGoMod) => {
    const repo = repoAt(tag, files);
    const found = await find(m, m.startsWith('gopkg.in/') ? m : R, repo, version);
    expect(found.dir).toBe(dir);
    expect(found.rev).toBe(tag);
    expect(found.goMod !== null).toBe(hasGoMod);
    if (hasGoMod) expect(found.goMod!.toString()).toBe(files[dir === '' ? 'go.mod' : `${dir}/go.mod`]);
  });

  it.each([
    ['go.mod declares a /v2 path for the unversioned module', R, 'v1.0.0', 'v1.0.0',
      { 'go.mod': `module ${R}/v2\n` }, `go.mod has post-v1 module path "${R}/v2" at revision v1.0.0`],
    ['go.mod without a module line', R, 'v1.0.0', 'v1.0.0',
      { 'go.mod': 'go 1.20\n' }, 'go.mod is missing module path at revision v1.0.0'],
    ['go.mod with a malformed path', R, 'v1.0.0', 'v1.0.0',
      { 'go.mod': `module ${R}/v1\n` }, `go.mod has malformed module path "${R}/v1" at revision v1.0.0`],
    ['/v2 with an unversioned root go.mod and no v2/go.mod', `${R}/v2`, 'v2.0.0', 'v2.0.0',
      { 'go.mod': `module ${R}\n` }, `go.mod has non-.../v2 module path "${R}" (and .../v2/go.mod does not exist) at revision v2.0.0`],
    ['/v2 with both go.mod files claiming v2', `${R}/v2`, 'v2.0.4', 'v2.0.4',
      { 'go.mod': `module ${R}/v2\n`, 'v2/go.mod': `module ${R}/v2\n` }, `${R}/go.mod and .../v2/go.mod both have .../v2 module paths at revision v2.0.4`],
    ['/v2 with a v2/go.mod not claiming v2', `${R}/v2`, 'v2.0.3', 'v2.0.3',
      { 'v2/go.mod': 'module github.com/o/rr\n' }, `${R}/v2/go.mod has non-.../v2 module path "github.com/o/rr" at revision v2.0.3`],
    ['/v2 with an empty v2/go.mod', `${R}/v2`, 'v2.0.3', 'v2.0.3',
      { 'v2/go.mod': '' }, `${R}/v2/go.mod is missing module path at revision v2.0.3`],
    ['/v2 without any go.mod', `${R}/v2`, 'v2.0.1', 'v2.0.1',
      {}, `missing ${R}/go.mod and .../v2/go.mod at revision v2.0.1`],
    ['subdirectory without go.mod', `${R}/sub`, 'sub/v1.0.0', 'v1.0.0',
      { 'go.mod': `module ${R}\n` }, `missing ${R}/sub/go.mod at revision sub/v1.0.0`],
    ['subdirectory go.mod with a /v2 path', `${R}/sub`, 'sub/v1.0.0', 'v1.0.0',
      { 'sub/go.mod': `module ${R}/sub/v2\n` }, `sub/go.mod has post-v1 module path "${R}/sub/v2" at revision sub/v1.0.0`],
    ['gopkg.in go.mod without the suffix', 'gopkg.in/yaml.v2', 'v2.0.0', 'v2.0.0',
      { 'go.mod': 'module gopkg.in/yaml\n' }, 'go.mod has non-....v2 module path "gopkg.in/yaml" at revision v2.0.0'],
  ])('%s', async (_name, m, tag, version, files, message) => {
    const err = await failure(m, m.startsWith('gopkg.in/') ? m : R, repoAt(tag, files), version);
    expect(err.message).toBe(message);
    expect(err.notFound).toBe(true);
  });

  it('a full module path as repository root (go-import) has no major subdirectory', async () => {
    const m = 'nanomsg.org/go/mangos/v2';
    const repo = repoAt('v2.0.0', { 'v2/go.mod': `module ${m}\n` });
    expect((await failure(m, m, repo, 'v2.0.0')).message).toBe(`missing ${m}/go.mod at revision v2.0.0`);
    const ok = repoAt('v2.0.0', { 'go.mod': `module ${m}\n` });
    expect((await find(m, m, ok, 'v2.0.0')).dir).toBe('');
  });

  it('an unknown tag is an unknown revision', async () => {
    const err = await failure(`${R}/sub`, R, repoAt('v1.0.0', {}), 'v1.0.0');
    expect(err.message).toBe('unknown revision sub/v1.0.0');
    expect(err.notFound).toBe(true);
  });

  it('a pseudo-version is looked up by its revision', async () => {
    const repo = new InMemoryRepo();
    const c = repo.addCommit({ time: '2020-01-02T03:04:05Z', files: { 'a.go': 'package a\n' }, hash: 'abcdef1234567890abcdef1234567890abcdef12' });
    repo.branch('main', c);
    const found = await find(R, R, repo, 'v0.0.0-20200102030405-abcdef123456');
    expect(found).toMatchObject({ rev: 'abcdef123456', commit: c, dir: '' });
  });
});

describe('isMajor', () => {
  it.each([
    ['', '', false],
    ['example.com/m', '', true],
    ['example.com/m/v2', '', false],
    ['gopkg.in/m.v1', '', true],
    ['gopkg.in/m.v0', '', true],
    ['gopkg.in/m.v2', '', false],
    ['example.com/m/v1', '', false],
    ['example.com/m/v2', '/v2', true],
    ['example.com/other/v2', '/v2', true],
    ['gopkg.in/m.v2', '/v2', true],
    ['gopkg.in/m.v2-unstable', '/v2', false],
    ['gopkg.in/m.v2-unstable', '.v2-unstable', true],
    ['example.com/m/v3', '/v2', false],
    ['example.com/m', '/v2', false],
    ['example.com/m', '.v1', false],
    ['example.com/m/v2', '.v2', true],
  ])('isMajor(%s, %s) = %s', (mpath, pathMajor, want) => {
    expect(isMajor(mpath, pathMajor)).toBe(want);
  });
});

describe('revToRev', () => {
  const root = locateModule(R, R);
  const sub = locateModule(`${R}/sub`, R);
  it.each([
    [root, 'v1.2.3', 'v1.2.3'],
    [root, 'v2.0.0+incompatible', 'v2.0.0'],
    [root, 'v1.2.3+meta', 'v1.2.3+meta'],
    [root, 'v1.2', 'v1.2'],
    [sub, 'v1.2.3', 'sub/v1.2.3'],
    [sub, 'v1.2.0+meta', 'sub/v1.2.0+meta'],
    [root, 'v1.2.4-0.20200102030405-abcdef123456', 'abcdef123456'],
    [sub, 'v0.0.0-20200102030405-abcdef123456', 'abcdef123456'],
    [root, 'v2.0.0-20200102030405-abcdef123456+incompatible', 'abcdef123456'],
    [root, 'main', 'main'],
    [sub, 'abc1234', 'abc1234'],
  ])('%#: %s', (loc, rev, want) => {
    expect(revToRev(loc, rev)).toBe(want);
  });
});
