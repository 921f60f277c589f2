import { GitCommandError } from '../git-command-error.js';
import { isMissingRepository, publicGitFailure } from './git-failure.js';

describe('isMissingRepository', () => {
  it.each([
    ['smart HTTP 404', 'ls-remote', "fatal: repository 'https://git.corp/acme/nope.git/' not found", true],
    ['a missing local path', 'ls-remote', "fatal: '/srv/git/acme/nope' does not appear to be a git repository", true],
    ['GitLab wording', 'fetch', 'remote: The project you were looking for could not be found or you don\'t have permission to view it. fatal: Repository not found.', true],
    ['bad credentials', 'ls-remote', "fatal: Authentication failed for 'https://git.corp/acme/x.git/'", false],
    ['a host that is down', 'fetch', "fatal: unable to access 'https://git.corp/acme/x.git/': Failed to connect", false],
    ['not a network command', 'archive', "fatal: repository 'x' not found", false],
  ])('%s', (_name, subcommand, detail, expected) => {
    expect(isMissingRepository(new GitCommandError(subcommand, 128, detail))).toBe(expected);
  });

  it('is false for anything but a git failure', () => {
    expect(isMissingRepository(new Error("repository 'x' not found"))).toBe(false);
  });
});

describe('publicGitFailure', () => {
  it.each([
    ['the clone URL', "git fetch: fatal: unable to access 'https://git.corp/acme/x.git/': timeout", 'https://git.corp/acme/x.git', "git fetch: fatal: unable to access '<origin>': timeout"],
    ['another URL', 'git fetch: fatal: redirected to http://10.0.0.5/x', 'https://git.corp/acme/x.git', 'git fetch: fatal: redirected to <url>'],
    ['a mirror directory', "git cat-file: fatal: not a git repository: '/var/lib/modgate/git/0a1b.git'", 'file:///srv/x', "git cat-file: fatal: not a git repository: '<path>'"],
    ['a file:// origin', "git ls-remote: fatal: '/srv/git/acme/x' does not appear to be a git repository", 'file:///srv/git/acme/x', "git ls-remote: fatal: '<path>' does not appear to be a git repository"],
    ['nothing internal', 'git fetch: exit status 128', 'https://git.corp/acme/x.git', 'git fetch: exit status 128'],
  ])('hides %s', (_name, message, originUrl, expected) => {
    expect(publicGitFailure(message, originUrl)).toBe(expected);
  });
});
