import { redactCredentials } from './redact.js';

/**
 * A git child process failed: non-zero exit, killed, timed out or could not start. The message is
 * one line, `git <subcommand>: <first meaningful stderr line>`, with credentials redacted.
 */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';

  constructor(
    /** The git subcommand (`fetch`, `archive`, ...), never its arguments. */
    readonly subcommand: string,
    /** Exit status; null when the process was killed or did not start. */
    readonly code: number | null,
    /** The redacted stderr line the message quotes ('' when git printed nothing). */
    readonly detail: string,
    /** True when the process was killed for running longer than its timeout. */
    readonly timedOut = false,
  ) {
    super(`git ${subcommand}: ${detail || (code === null ? 'killed' : `exit status ${code}`)}`.replace(/[\r\n]+/g, ' '));
  }

  /** Builds the error from git's stderr: its first `fatal:`/`error:` line, else its first line. */
  static fromStderr(subcommand: string, code: number | null, stderr: string, secrets: readonly string[] = []): GitCommandError {
    const lines = stderr.split(/\r?\n|\r/).map((line) => line.trim()).filter((line) => line !== '');
    const line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
    return new GitCommandError(subcommand, code, redactCredentials(line, secrets).slice(0, 500));
  }
}
