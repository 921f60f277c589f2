/**
 * Webhook bodies in the shape the git hosts send (trimmed to the fields a receiver reads plus a few
 * around them): GitHub (Enterprise Server) `push`, GitLab `Tag Push Hook`, Gitea `push`.
 */
export function githubPush(repoUrl: string, fullName: string, ref: string, after: string) {
  return {
    ref,
    before: '0000000000000000000000000000000000000000',
    after,
    created: true,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${repoUrl}/compare/${ref}`,
    commits: [],
    head_commit: { id: after, message: 'release', timestamp: '2024-05-01T10:00:00Z' },
    repository: {
      id: 1296269,
      name: fullName.split('/')[1],
      full_name: fullName,
      private: true,
      html_url: repoUrl,
      clone_url: `${repoUrl}.git`,
      ssh_url: `git@${new URL(repoUrl).host}:${fullName}.git`,
      default_branch: 'main',
    },
    pusher: { name: 'dev', email: 'dev@corp.example' },
    sender: { login: 'dev', id: 1 },
  };
}

export function gitlabTagPush(webUrl: string, pathWithNamespace: string, ref: string, after: string) {
  return {
    object_kind: 'tag_push',
    event_name: 'tag_push',
    before: '0000000000000000000000000000000000000000',
    after,
    ref,
    checkout_sha: after,
    user_username: 'dev',
    project: { id: 7, name: pathWithNamespace.split('/').pop(), web_url: webUrl, path_with_namespace: pathWithNamespace, git_http_url: `${webUrl}.git` },
    repository: { name: pathWithNamespace.split('/').pop(), homepage: webUrl, git_http_url: `${webUrl}.git` },
    commits: [],
    total_commits_count: 0,
  };
}

export function giteaPush(htmlUrl: string, fullName: string, ref: string, after: string) {
  return {
    ref,
    before: '0000000000000000000000000000000000000000',
    after,
    compare_url: '',
    commits: [],
    repository: { id: 3, name: fullName.split('/')[1], full_name: fullName, html_url: htmlUrl, clone_url: `${htmlUrl}.git`, private: true },
    pusher: { login: 'dev' },
    sender: { login: 'dev' },
  };
}
