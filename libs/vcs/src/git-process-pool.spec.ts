import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { commitAll, initRepo, makeTempDir, removeDir, writeFiles } from '../../../test/support/index.js';
import { GitCommandError } from './git-command-error.js';
import { GitProcessPool, gitSubcommand } from './git-process-pool.js';

const TIMEOUT = 30_000;

describe('GitProcessPool', () => {
  let dir: string;
  let repo: string;

  beforeAll(async () => {
    dir = await makeTempDir('vcs-pool');
    repo = join(dir, 'repo');
    await initRepo(repo);
    await writeFiles(repo, { 'big.bin': Buffer.alloc(1024 * 1024, 'x'), 'small.txt': 'small\n' });
    await commitAll(repo, 'files');
  });
  afterAll(() => removeDir(dir));

  it('runs git without a shell, with stdin, and returns stdout as bytes', async () => {
    const pool = new GitProcessPool(2);
    const result = await pool.run(['hash-object', '--stdin'], { cwd: dir, input: 'hello\n', timeoutMs: TIMEOUT });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('ce013625030ba8dba906f756967f9e9ca394464a\n');
    const dollar = await pool.run(['hash-object', '--stdin'], { cwd: dir, input: '$(echo pwned)\n', timeoutMs: TIMEOUT });
    expect(dollar.stdout.toString()).toMatch(/^[0-9a-f]{40}\n$/);
  });

  it('fails with a typed error naming the subcommand and the fatal line of stderr', async () => {
    const pool = new GitProcessPool(2);
    const error = await pool.run(['-c', 'core.quotePath=false', 'cat-file', 'blob', 'HEAD:nope'], { cwd: repo, timeoutMs: TIMEOUT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error).toMatchObject({ subcommand: 'cat-file', code: 128, timedOut: false });
    expect((error as Error).message).toMatch(/^git cat-file: fatal: path 'nope' does not exist in 'HEAD'$/);
  });

  it('treats the exit codes in okCodes as results', async () => {
    const pool = new GitProcessPool(1);
    const result = await pool.run(['diff', '--no-index', '--quiet', join(repo, 'small.txt'), join(repo, 'big.bin')], {
      cwd: dir,
      timeoutMs: TIMEOUT,
      okCodes: [0, 1],
    });
    expect(result.code).toBe(1);
  });

  it('ignores the host and user git config, whatever the caller passes', async () => {
    const home = join(dir, 'home');
    await writeFiles(home, { '.gitconfig': '[user]\n\tname = From Home\n', 'global.cfg': '[user]\n\tname = From Global\n' });
    const pool = new GitProcessPool(1);
    const env = { HOME: home, GIT_CONFIG_GLOBAL: join(home, 'global.cfg'), GIT_CONFIG_NOSYSTEM: '0' };
    const result = await pool.run(['config', '--get', 'user.name'], { cwd: dir, env, timeoutMs: TIMEOUT, okCodes: [0, 1] });
    expect(result.code).toBe(1);
  });

  it('redacts credentials from error messages', async () => {
    const pool = new GitProcessPool(1);
    const secretHeader = 'Authorization: Bearer sup3r-s3cret-t0ken';
    const error = await pool
      .run(['ls-remote', 'http://alice:hunter22@127.0.0.1:1/repo.git'], {
        cwd: dir,
        env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: secretHeader },
        timeoutMs: TIMEOUT,
        secrets: ['sup3r-s3cret-t0ken'],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).not.toMatch(/hunter22|sup3r-s3cret-t0ken/);
    expect((error as Error).message).toMatch(/^git ls-remote: fatal: /);
  });

  describe('timeouts', () => {
    let server: Server;
    let port: number;

    const sockets = new Set<Socket>();

    beforeAll(async () => {
      // Accepts connections and never answers: a hung git server.
      server = createServer((socket) => {
        sockets.add(socket);
        socket.resume();
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('kills a command that runs too long and frees its slot', async () => {
      const pool = new GitProcessPool(1);
      const started = Date.now();
      const error = await pool.run(['ls-remote', `http://127.0.0.1:${port}/r.git`], { cwd: dir, timeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'GitCommandError', subcommand: 'ls-remote', timedOut: true });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(pool.active).toBe(0);
      // git's HTTP helper was in the killed process group too: the hung connection is gone.
      await waitFor(() => sockets.size === 0);
    });
  });

  it('never runs more than maxProcesses git processes at once', async () => {
    const pool = new GitProcessPool(2);
    const results = await Promise.all(Array.from({ length: 10 }, () => pool.run(['version'], { cwd: dir, timeoutMs: TIMEOUT })));
    expect(results.every((r) => r.stdout.toString().startsWith('git version'))).toBe(true);
    expect(pool.maxSeen).toBe(2);
    expect(pool.active).toBe(0);
  });

  it('holds a slot for a stream until its process exits', async () => {
    const pool = new GitProcessPool(2);
    const opts = { cwd: repo, timeoutMs: TIMEOUT };
    // 1 MiB of output and nobody reading: both processes block on a full pipe, holding their slots.
    const streams = [await pool.spawnStream(['cat-file', 'blob', 'HEAD:big.bin'], opts), await pool.spawnStream(['cat-file', 'blob', 'HEAD:big.bin'], opts)];
    let thirdDone = false;
    const third = pool.run(['version'], opts).then(() => (thirdDone = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([pool.active, pool.waiting, thirdDone]).toEqual([2, 1, false]);

    await closed(streams[0]!.destroy());
    await third;
    expect(pool.maxSeen).toBe(2);

    const bytes = Buffer.concat(await streams[1]!.toArray());
    expect(bytes.length).toBe(1024 * 1024);
    await closed(streams[1]!);
    expect(pool.active).toBe(0);
  });

  it('fails a stream whose process fails, with the typed error', async () => {
    const pool = new GitProcessPool(1);
    const stream = await pool.spawnStream(['cat-file', 'blob', 'HEAD:missing'], { cwd: repo, timeoutMs: TIMEOUT });
    await expect(stream.toArray()).rejects.toMatchObject({ name: 'GitCommandError', subcommand: 'cat-file', code: 128 });
    expect(pool.active).toBe(0);
  });

  it('reports a git that cannot be started', async () => {
    const pool = new GitProcessPool(1, { gitPath: join(dir, 'no-such-git') });
    await expect(pool.run(['version'], { cwd: dir, timeoutMs: TIMEOUT })).rejects.toThrow('git version: cannot run git: ENOENT');
    const stream = await pool.spawnStream(['version'], { cwd: dir, timeoutMs: TIMEOUT });
    await expect(stream.toArray()).rejects.toThrow('cannot run git');
    expect(pool.active).toBe(0);
  });
});

describe('gitSubcommand', () => {
  it.each([
    [['fetch', '--prune'], 'fetch'],
    [['-c', 'core.eol=lf', '-c', 'x=y', 'archive', 'HEAD'], 'archive'],
    [['--git-dir', '/x', 'config', 'a'], 'config'],
    [['--literal-pathspecs', 'ls-tree'], 'ls-tree'],
    [['-c'], '?'],
  ])('%j -> %s', (args, expected) => {
    expect(gitSubcommand(args)).toBe(expected);
  });
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function closed(stream: Readable): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}
