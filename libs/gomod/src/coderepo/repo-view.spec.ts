import { InMemoryRepo } from './in-memory-repo.js';
import { RepoView, shortHash } from './repo-view.js';
import { RevisionError } from './version-errors.js';

const A = 'aaaaaaa111111111111111111111111111111111';
const B = 'aaaaaaa222222222222222222222222222222222';
const C = 'ccccccc333333333333333333333333333333333';
const D = 'ddddddd444444444444444444444444444444444';

/** A ← B ← C on main (HEAD), D on its own (reachable from tag `lonely`); tags on A and C. */
function fixture(): InMemoryRepo {
  const repo = new InMemoryRepo();
  repo.addCommit({ hash: A, time: '2020-01-01T00:00:00Z' });
  repo.addCommit({ hash: B, parents: [A], time: '2020-01-02T00:00:00Z' });
  repo.addCommit({ hash: C, parents: [B], time: '2020-01-03T00:00:00.900Z' });
  repo.addCommit({ hash: D, time: '2020-01-04T00:00:00Z' });
  repo.branch('main', C).branch('feature', A).tag('v1.0.0', A).tag('v0.9.0', A).tag('zeta', C).tag('lonely', D);
  return repo;
}

async function resolveError(view: RepoView, rev: string): Promise<RevisionError> {
  try {
    await view.resolve(rev);
  } catch (err) {
    if (err instanceof RevisionError) return err;
    throw err;
  }
  throw new Error(`${rev} resolved`);
}

describe('RepoView.resolve (gitRepo.Stat, spec §3.2, in-memory repo)', () => {
  it.each([
    ['a tag', 'v1.0.0', A, 'refs/tags/v1.0.0', 'v1.0.0'],
    ['a branch', 'main', C, 'refs/heads/main', C],
    ['HEAD', 'HEAD', C, 'HEAD', C],
    ['a 7-digit prefix of a ref commit (smallest ref name)', 'ccccccc', C, 'HEAD', C],
    ['a prefix of a tagged commit', 'aaaaaaa1', A, 'refs/heads/feature', A],
    ['a full hash of a ref commit', D, D, 'refs/tags/lonely', D],
  ])('%s', async (_name, rev, hash, ref, version) => {
    const info = await new RepoView(fixture()).resolve(rev);
    expect(info).toMatchObject({ hash, ref, version, short: hash.slice(0, 12) });
  });

  it('a prefix of a commit no ref points at goes to resolveCommitPrefix', async () => {
    const repo = fixture();
    const info = await new RepoView(repo).resolve('aaaaaaa2');
    expect(info).toMatchObject({ hash: B, version: B, tags: [] });
    expect(info.ref).toBeUndefined();
    expect(repo.calls['resolveCommitPrefix']).toBe(1);
  });

  it('lists the sorted tags of the commit and truncates the time to seconds', async () => {
    const info = await new RepoView(fixture()).resolve('main');
    expect(info.tags).toEqual(['zeta']);
    expect(info.time.toISOString()).toBe('2020-01-03T00:00:00.000Z');
    expect((await new RepoView(fixture()).resolve('v0.9.0')).tags).toEqual(['v0.9.0', 'v1.0.0']);
  });

  it('a tag beats a branch of the same name, a branch beats HEAD and hashes', async () => {
    const repo = fixture().tag('main', A).branch('HEAD', A).branch('ccccccc', A);
    const view = new RepoView(repo);
    expect((await view.resolve('main')).hash).toBe(A);
    expect((await view.resolve('HEAD')).hash).toBe(A);
    expect((await view.resolve('ccccccc')).hash).toBe(A);
  });

  it.each([
    ['a prefix of two ref commits', 'aaaaaaa', 'ambiguous revision aaaaaaa', false],
    ['six digits', 'cccccc', 'unknown revision cccccc', true],
    ['upper-case hex', 'CCCCCCC', 'unknown revision CCCCCCC', true],
    ['41 digits', C + '3', `unknown revision ${C}3`, true],
    ['an unknown name', 'nope', 'unknown revision nope', true],
    ['an unknown hash', 'eeeeeee', 'unknown revision eeeeeee', true],
    ['the empty string', '', 'unknown revision ', true],
  ])('%s fails', async (_name, rev, message, notFound) => {
    const repo = fixture().branch('b2', B);
    const err = await resolveError(new RepoView(repo), rev);
    expect(err.message).toBe(message);
    expect(err.notFound).toBe(notFound);
  });

  it('an ambiguous prefix among non-ref commits is reported by the reader', async () => {
    const repo = fixture();
    const e1 = 'eeeeeee1' + '0'.repeat(32);
    const e2 = 'eeeeeee2' + '0'.repeat(32);
    repo.addCommit({ hash: e1, parents: [C], time: '2020-02-01T00:00:00Z' });
    repo.addCommit({ hash: e2, parents: [e1], time: '2020-02-02T00:00:00Z' });
    repo.branch('main', repo.addCommit({ parents: [e2], time: '2020-02-03T00:00:00Z' }));
    const err = await resolveError(new RepoView(repo), 'eeeeeee');
    expect(err.message).toBe('ambiguous revision eeeeeee');
    expect(err.notFound).toBe(false);
    expect((await new RepoView(repo).resolve('eeeeeee2')).hash).toBe(e2);
  });

  it('an unreachable commit is unknown', async () => {
    const repo = fixture();
    repo.addCommit({ hash: 'fffffff' + '0'.repeat(33), parents: [C], time: '2020-02-01T00:00:00Z' });
    expect((await resolveError(new RepoView(repo), 'fffffff')).message).toBe('unknown revision fffffff');
  });

  it('latest() is HEAD with ref HEAD, and fails with "no commits" without HEAD', async () => {
    expect(await new RepoView(fixture()).latest()).toMatchObject({ hash: C, ref: 'HEAD' });
    const err = await new RepoView(fixture().setHead(null)).latest().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RevisionError);
    expect((err as RevisionError).message).toBe('no commits');
  });

  it('reads refs once per view', async () => {
    const repo = fixture();
    const view = new RepoView(repo);
    await view.resolve('main');
    await view.resolve('v1.0.0');
    await view.tagsWithPrefix('v');
    expect(repo.calls['refs']).toBe(1);
  });
});

describe('shortHash', () => {
  it.each([
    [C, C.slice(0, 12)],
    ['abc', 'abc'],
    [C.toUpperCase(), C.toUpperCase()],
    ['a'.repeat(64), 'a'.repeat(64)],
  ])('%s → %s', (hash, want) => {
    expect(shortHash(hash)).toBe(want);
  });
});
