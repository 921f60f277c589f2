import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Result of a finished child process. `code` is null when it was ended by a signal. */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  /** The complete environment of the child (nothing is inherited when given). */
  env?: Record<string, string>;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the child (SIGKILL) after this long and fail. Default 120 s. */
  timeoutMs?: number;
  /** Resolve with a non-zero exit code instead of rejecting. */
  allowFailure?: boolean;
}

/**
 * Runs `command args...` without a shell, collecting stdout and stderr. Rejects on a spawn error,
 * a timeout, or (unless `allowFailure`) a non-zero exit, with the command line and its output in
 * the message.
 */
export function execFileText(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? { ...process.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      // spawn reports a missing cwd as ENOENT of the command: say which one it was.
      const hint = options.cwd !== undefined && !existsSync(options.cwd) ? ` (cwd ${options.cwd} does not exist)` : '';
      reject(new Error(`cannot run ${command}: ${error.message}${hint}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: ExecResult = {
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      const commandLine = [command, ...args].join(' ');
      if (timedOut) {
        reject(new Error(`${commandLine}: timed out after ${timeoutMs} ms\n${describeOutput(result)}`));
      } else if (code !== 0 && !options.allowFailure) {
        const how = code === null ? `killed by ${signal ?? 'a signal'}` : `exit status ${code}`;
        reject(new Error(`${commandLine}: ${how}\n${describeOutput(result)}`));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => {
      // The child may exit without reading its stdin; its exit status tells what happened.
    });
    child.stdin.end(options.input);
  });
}

function describeOutput(result: ExecResult): string {
  return `--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}
