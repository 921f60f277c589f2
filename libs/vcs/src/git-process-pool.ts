import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { gitCommandStarted, type GitCommandResult } from '#metrics';
import { GitCommandError } from './git-command-error.js';
import { Semaphore } from './semaphore.js';

/** How to run one git command. */
export interface GitRunOptions {
  /** Working directory (for a mirror: its directory, with GIT_DIR set in `env`). */
  cwd: string;
  /**
   * Extra environment on top of the pool's hermetic one (PATH and HOME=cwd). The pool's own
   * variables (no prompts, no system/global config or attributes, LC_ALL=C) cannot be overridden;
   * HOME can.
   */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed (stdin is empty otherwise). */
  input?: Buffer | string;
  /** SIGKILL the process and fail after this long. */
  timeoutMs: number;
  /** Strings to cut out of error messages besides the usual credential shapes (e.g. an auth header). */
  secrets?: readonly string[];
  /** Exit codes that are results, not failures (default only 0). */
  okCodes?: readonly number[];
}

/** A finished git command. */
export interface GitRunResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export interface GitProcessPoolOptions {
  /** The git executable (default `git` on PATH). */
  gitPath?: string;
}

/** Variables that make git's results independent of the host's and the user's configuration. */
const HERMETIC_ENV: Readonly<Record<string, string>> = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_ATTR_NOSYSTEM: '1',
  LC_ALL: 'C',
};

const STDERR_LIMIT = 64 * 1024;

/**
 * Bounds the git child processes of the whole server: every git command modgate runs goes through
 * one pool. Commands run without a shell, in a hermetic environment.
 */
export class GitProcessPool {
  private readonly slots: Semaphore;
  private readonly gitPath: string;

  constructor(maxProcesses: number, options: GitProcessPoolOptions = {}) {
    this.slots = new Semaphore(maxProcesses);
    this.gitPath = options.gitPath ?? 'git';
  }

  /** Git processes running now. */
  get active(): number {
    return this.slots.active;
  }

  /** The most git processes that ever ran at once. */
  get maxSeen(): number {
    return this.slots.maxSeen;
  }

  /** Commands waiting for a free slot. */
  get waiting(): number {
    return this.slots.waiting;
  }

  /** Runs `git <args>` to completion, buffering stdout; rejects with {@link GitCommandError}. */
  async run(args: readonly string[], opts: GitRunOptions): Promise<GitRunResult> {
    const metric = gitCommandStarted(gitSubcommand(args));
    const release = await this.slots.acquire();
    metric.slotAcquired();
    try {
      const result = await this.runChild(args, opts);
      metric.exited('ok');
      return result;
    } catch (error) {
      metric.exited(error instanceof GitCommandError && error.timedOut ? 'timeout' : 'error');
      throw error;
    } finally {
      release();
    }
  }

  /**
   * Starts `git <args>` and returns its stdout. The stream ends when git exits with status 0 and
   * fails with a {@link GitCommandError} otherwise; destroying it kills git. The pool slot is held
   * until the process has exited, and the stream emits 'close' only after that.
   */
  async spawnStream(args: readonly string[], opts: GitRunOptions): Promise<Readable> {
    const metric = gitCommandStarted(gitSubcommand(args));
    const release = await this.slots.acquire();
    metric.slotAcquired();
    try {
      return new GitStdout(this.spawnChild(args, opts, 'ignore'), args, opts, (result) => {
        metric.exited(result);
        release();
      });
    } catch (error) {
      metric.exited('error');
      release();
      throw error;
    }
  }

  private runChild(args: readonly string[], opts: GitRunOptions): Promise<GitRunResult> {
    return new Promise((resolve, reject) => {
      const child = this.spawnChild(args, opts, 'pipe');
      const stdout: Buffer[] = [];
      const stderr = new StderrTail();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child);
      }, opts.timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.add(chunk));
      child.stdin?.on('error', () => {
        // git may exit without reading its input; the exit status says what happened.
      });
      child.stdin?.end(opts.input);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new GitCommandError(gitSubcommand(args), null, `cannot run git: ${error.code ?? error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const text = stderr.text();
        if (timedOut) reject(new GitCommandError(gitSubcommand(args), null, `timed out after ${opts.timeoutMs} ms`, true));
        else if (code === null || !(opts.okCodes ?? [0]).includes(code)) reject(GitCommandError.fromStderr(gitSubcommand(args), code, text, opts.secrets));
        else resolve({ stdout: Buffer.concat(stdout), stderr: text, code });
      });
    });
  }

  private spawnChild(args: readonly string[], opts: GitRunOptions, stdin: 'pipe' | 'ignore'): ChildProcess {
    return spawn(this.gitPath, [...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.cwd, ...opts.env, ...HERMETIC_ENV },
      stdio: [stdin, 'pipe', 'pipe'],
      shell: false,
      // Its own process group, so a kill also reaches the helpers git starts (git-remote-http, ssh).
      detached: true,
      windowsHide: true,
    });
  }
}

/** SIGKILLs git and every process it started (they share its process group). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** The git subcommand of an argument list: the first word that is not a global option. */
export function gitSubcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-c' || arg === '-C' || arg === '--git-dir' || arg === '--work-tree' || arg === '--namespace') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return '?';
}

/** Keeps the first {@link STDERR_LIMIT} bytes of stderr: enough for the error line, bounded memory. */
class StderrTail {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(chunk: Buffer): void {
    if (this.size >= STDERR_LIMIT) return;
    this.chunks.push(chunk.subarray(0, STDERR_LIMIT - this.size));
    this.size += Math.min(chunk.length, STDERR_LIMIT - this.size);
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** A git process's stdout with backpressure, its exit status folded into end/error, and 'close' after exit. */
class GitStdout extends Readable {
  private exited = false;
  private pendingDestroy: (() => void) | undefined;
  private readonly stderr = new StderrTail();
  private readonly timer: NodeJS.Timeout;
  private timedOut = false;

  constructor(
    private readonly child: ChildProcess,
    args: readonly string[],
    opts: GitRunOptions,
    /** Called once git has exited: frees the pool slot. */
    release: (result: GitCommandResult) => void,
  ) {
    super();
    const out = child.stdout;
    if (!out) throw new Error('git stdout is not a pipe');
    this.timer = setTimeout(() => {
      this.timedOut = true;
      killGroup(child);
    }, opts.timeoutMs);
    out.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) out.pause();
    });
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.add(chunk));
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (code) => {
      this.exited = true;
      clearTimeout(this.timer);
      release(this.timedOut ? 'timeout' : this.pendingDestroy || this.destroyed ? 'killed' : spawnError || code !== 0 ? 'error' : 'ok');
      if (this.pendingDestroy) return this.pendingDestroy();
      if (this.destroyed) return;
      const subcommand = gitSubcommand(args);
      if (spawnError) this.destroy(new GitCommandError(subcommand, null, `cannot run git: ${spawnError.code ?? spawnError.message}`));
      else if (this.timedOut) this.destroy(new GitCommandError(subcommand, null, `timed out after ${opts.timeoutMs} ms`, true));
      else if (code !== 0) this.destroy(GitCommandError.fromStderr(subcommand, code, this.stderr.text(), opts.secrets));
      else this.push(null);
    });
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.exited) return callback(error);
    // Hold 'close' back until git is gone, so "closed" means "slot and repository are free".
    this.pendingDestroy = () => callback(error);
    this.child.stdout?.destroy();
    killGroup(this.child);
  }
}
