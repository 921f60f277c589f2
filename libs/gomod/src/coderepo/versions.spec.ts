import { CodeRepo } from './code-repo.js';
import { InMemoryRepo } from './in-memory-repo.js';
import {
  M,
  hour,
  incompatibleFixture,
  majorSubdirFixture,
  majorWithoutSuffixFixture,
  subdirFixture,
} from './spec-helpers.js';

/** One commit per tag, in order; `goMod` lists the tags whose commit has a root go.mod. */
function taggedLine(tags: string[], goMod: string[] = [], extra: Record<string, Record<string, string>> = {}): InMemoryRepo {
  const repo = new InMemoryRepo();
  let parent: string | undefined;
  tags.forEach((tag, i) => {
    const files: Record<string, string | null> = { 'a.go': `package a // ${tag}\n`, ...extra[tag] };
    files['go.mod'] = goMod.includes(tag) ? `module ${M}\n` : null;
    parent = repo.addCommit({ parents: parent ? [parent] : [], time: hour(i + 1), files });
    repo.tag(tag, parent);
  });
  repo.branch('main', parent!);
  return repo;
}

describe('CodeRepo.versions (spec §3.4, in-memory repo)', () => {
  it.each([
    ['§11.21 no go.mod anywhere: v2+ tags are +incompatible', M, incompatibleFixture().repo,
      ['v1.0.0', 'v2.0.0+incompatible', 'v2.1.0+incompatible', 'v3.0.0-beta+incompatible']],
    ['§11.22 go.mod from v2.1.0 drops both incompatible majors', M, incompatibleFixture(true).repo, ['v1.0.0']],
    ['§11.23 unsuffixed path, go.mod at the last v1', M, majorWithoutSuffixFixture(), ['v1.0.0']],
    ['§11.23 /v2 path lists v2.0.0 from the tag name alone', `${M}/v2`, majorWithoutSuffixFixture(), ['v2.0.0']],
    ['§11.24 /v2 path with v2/go.mod', `${M}/v2`, majorSubdirFixture(), ['v2.0.0']],
    ['§11.24 unsuffixed path: only the root go.mod is checked', M, majorSubdirFixture(), ['v2.0.0+incompatible']],
    ['§11.25 subdirectory module: only canonical prefixed tags', `${M}/sub`, subdirFixture().repo, ['v1.0.0']],
    ['§11.25 root module ignores prefixed tags', M, subdirFixture().repo, ['v1.0.0']],
  ])('%s', async (_name, m, repo, want) => {
    expect(await new CodeRepo(m, M, repo).versions()).toEqual(want);
  });

  it.each([
    ['sorted by semver, not by name', ['v1.10.0', 'v1.9.0', 'v1.2.0-rc.1', 'v1.2.0', 'v0.1.0'], [],
      ['v0.1.0', 'v1.2.0-rc.1', 'v1.2.0', 'v1.9.0', 'v1.10.0']],
    ['non-canonical, build-suffixed and pseudo-version tags are skipped',
      ['v1', 'v1.2', 'v1.2.3+meta', 'v2.0.0+incompatible', 'v0.0.0-20200101000000-abcdefabcdef', 'V1.0.0', 'release', 'v1.0.0'], [],
      ['v1.0.0']],
    ['the last list entry may be a prerelease: its go.mod blocks every +incompatible',
      ['v1.0.0', 'v1.1.0-rc.1', 'v2.0.0'], ['v1.1.0-rc.1'], ['v1.0.0', 'v1.1.0-rc.1']],
    ['no compatible versions: each major judged by its highest tag',
      ['v2.0.0', 'v2.1.0', 'v3.0.0', 'v3.1.0', 'v4.0.0'], ['v2.1.0'],
      ['v3.0.0+incompatible', 'v3.1.0+incompatible', 'v4.0.0+incompatible']],
    ['a go.mod at a lower tag of a major does not matter',
      ['v1.0.0', 'v2.0.0', 'v2.1.0'], ['v2.0.0'], ['v1.0.0', 'v2.0.0+incompatible', 'v2.1.0+incompatible']],
    ['v10 sorts after v2', ['v10.0.0', 'v2.0.0', 'v1.0.0'], [],
      ['v1.0.0', 'v2.0.0+incompatible', 'v10.0.0+incompatible']],
  ])('%s', async (_name, tags, goMod, want) => {
    expect(await new CodeRepo(M, M, taggedLine(tags, goMod)).versions()).toEqual(want);
  });

  it('a vN/go.mod does not block +incompatible in the list (checked only on resolution)', async () => {
    const repo = taggedLine(['v1.0.0', 'v2.0.0'], [], { 'v2.0.0': { 'v2/go.mod': `module ${M}/v2\n` } });
    expect(await new CodeRepo(M, M, repo).versions()).toEqual(['v1.0.0', 'v2.0.0+incompatible']);
  });

  it('/v2 and /v3 paths take only their own major', async () => {
    const repo = taggedLine(['v1.0.0', 'v2.0.0', 'v2.1.0', 'v3.0.0']);
    expect(await new CodeRepo(`${M}/v2`, M, repo).versions()).toEqual(['v2.0.0', 'v2.1.0']);
    expect(await new CodeRepo(`${M}/v3`, M, repo).versions()).toEqual(['v3.0.0']);
  });

  it('a subdirectory module never gets +incompatible entries', async () => {
    const repo = taggedLine(['sub/v1.0.0', 'sub/v2.0.0']);
    expect(await new CodeRepo(`${M}/sub`, M, repo).versions()).toEqual(['v1.0.0']);
    expect(await new CodeRepo(`${M}/sub/v2`, M, repo).versions()).toEqual(['v2.0.0']);
  });

  it('a subdirectory tag lists its version even without sub/go.mod', async () => {
    expect(await new CodeRepo(`${M}/sub`, M, taggedLine(['sub/v1.0.0'])).versions()).toEqual(['v1.0.0']);
  });

  it('lists nothing for gopkg.in …-unstable paths', async () => {
    const repo = taggedLine(['v2.0.0', 'v2.1.0']);
    expect(await new CodeRepo('gopkg.in/x.v2-unstable', 'gopkg.in/x.v2-unstable', repo).versions()).toEqual([]);
    expect(await new CodeRepo('gopkg.in/x.v2', 'gopkg.in/x.v2', repo).versions()).toEqual(['v2.0.0', 'v2.1.0']);
  });

  it('a repository without tags lists nothing', async () => {
    const repo = new InMemoryRepo();
    repo.branch('main', repo.addCommit({ time: hour(1), files: { 'a.go': 'package a\n' } }));
    expect(await new CodeRepo(M, M, repo).versions()).toEqual([]);
  });
});
