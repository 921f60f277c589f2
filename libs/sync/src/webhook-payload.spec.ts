import { createHmac } from 'node:crypto';
import { importPathOf, parseWebhook } from './webhook-payload.js';
import { verifyWebhook } from './webhook-signature.js';

describe('parseWebhook', () => {
  const repository = { full_name: 'acme/widget', html_url: 'https://git.corp.example/acme/widget', clone_url: 'https://git.corp.example/acme/widget.git' };
  const cases: Array<[string, Parameters<typeof parseWebhook>, Partial<ReturnType<typeof parseWebhook>>]> = [
    ['github push', ['github', { 'x-github-event': 'push', 'x-github-delivery': 'abc-1' }, { repository }], { action: 'sync', deliveryId: 'github:abc-1', repoCandidates: ['git.corp.example/acme/widget', 'github.com/acme/widget'] }],
    ['github ping', ['github', { 'x-github-event': 'ping', 'x-github-delivery': 'p' }, { zen: 'hi', repository }], { action: 'ping' }],
    ['github create', ['github', { 'x-github-event': 'create', 'x-github-delivery': 'c' }, { repository }], { action: 'sync' }],
    ['github delete', ['github', { 'x-github-event': 'delete', 'x-github-delivery': 'd' }, { repository }], { action: 'sync' }],
    ['github issues is ignored', ['github', { 'x-github-event': 'issues', 'x-github-delivery': 'i' }, { repository }], { action: 'ignored' }],
    [
      'gitlab tag push',
      ['gitlab', { 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-event-uuid': 'u-1' }, { project: { web_url: 'https://gitlab.corp.example/g/sub/repo' } }],
      { action: 'sync', deliveryId: 'gitlab:u-1', repoCandidates: ['gitlab.corp.example/g/sub/repo'] },
    ],
    ['gitlab merge request ignored', ['gitlab', { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-event-uuid': 'u-2' }, { project: {} }], { action: 'ignored' }],
    ['gitea push', ['gitea', { 'x-gitea-event': 'push', 'x-gitea-delivery': 'g-1' }, { repository }], { action: 'sync', deliveryId: 'gitea:g-1' }],
  ];
  it.each(cases)('%s', (_name, args, expected) => {
    expect(parseWebhook(...args)).toMatchObject(expected);
  });

  const bad: Array<[string, Parameters<typeof parseWebhook>, RegExp]> = [
    ['no event header', ['github', { 'x-github-delivery': 'a' }, {}], /missing x-github-event/],
    ['no delivery id', ['github', { 'x-github-event': 'push' }, {}], /x-github-delivery/],
    ['delivery id with spaces', ['github', { 'x-github-event': 'push', 'x-github-delivery': 'a b' }, {}], /malformed/],
    ['array body', ['gitea', { 'x-gitea-event': 'push', 'x-gitea-delivery': 'a' }, []], /not a JSON object/],
  ];
  it.each(bad)('refuses %s', (_name, args, message) => {
    expect(() => parseWebhook(...args)).toThrow(message);
  });

  it.each([
    ['https://git.corp.example/acme/widget.git', 'git.corp.example/acme/widget'],
    ['https://git.corp.example/acme/widget/', 'git.corp.example/acme/widget'],
    ['git@git.corp.example:acme/widget.git', null],
    ['ftp://x/y', null],
    ['https://host', null],
    [42, null],
  ])('importPathOf(%p) = %p', (url, expected) => {
    expect(importPathOf(url)).toBe(expected);
  });
});

describe('verifyWebhook', () => {
  const body = Buffer.from('{"ref":"refs/tags/v1.0.0"}');
  const hmac = createHmac('sha256', 's3cret').update(body).digest('hex');
  it.each([
    ['github good', 'github', { 'x-hub-signature-256': `sha256=${hmac}` }, true],
    ['github wrong secret', 'github', { 'x-hub-signature-256': `sha256=${createHmac('sha256', 'x').update(body).digest('hex')}` }, false],
    ['github missing prefix', 'github', { 'x-hub-signature-256': hmac }, false],
    ['github missing header', 'github', {}, false],
    ['github truncated', 'github', { 'x-hub-signature-256': `sha256=${hmac.slice(0, 10)}` }, false],
    ['gitea good', 'gitea', { 'x-gitea-signature': hmac }, true],
    ['gitea github-style', 'gitea', { 'x-gitea-signature': `sha256=${hmac}` }, false],
    ['gitlab token', 'gitlab', { 'x-gitlab-token': 's3cret' }, true],
    ['gitlab wrong token', 'gitlab', { 'x-gitlab-token': 's3cre' }, false],
  ] as const)('%s', (_name, provider, headers, ok) => {
    expect(verifyWebhook(provider, headers, body, 's3cret')).toBe(ok);
  });
});
