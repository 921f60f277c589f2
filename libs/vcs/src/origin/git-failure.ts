import { GitCommandError } from '../git-command-error.js';

/** What git prints when the remote repository does not exist (smart HTTP 404, a missing local path). */
const MISSING_REPOSITORY = /\brepository '[^']*' not found|does not appear to be a git repository|\brepository not found\b/i;

/** Whether git failed because the remote repository does not exist. */
export function isMissingRepository(err: unknown): boolean {
  return err instanceof GitCommandError && (err.subcommand === 'ls-remote' || err.subcommand === 'fetch') && MISSING_REPOSITORY.test(err.detail);
}

/**
 * A git failure line fit for a client: the clone URL of the origin, any other URL and any absolute
 * path (mirror directories) are replaced, so no internal location reaches a response body.
 */
export function publicGitFailure(message: string, originUrl: string): string {
  const bare = originUrl.replace(/\/+$/, '');
  let out = message;
  for (const url of [`${bare}/`, bare]) out = out.split(url).join('<origin>');
  return out
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, '<url>')
    .replace(/(^|[\s'"(=:])\/[^\s'"):]+/g, '$1<path>');
}
