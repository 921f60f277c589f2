import { classifyRequest } from './request-kind.js';

describe('classifyRequest', () => {
  it.each([
    ['/github.com/!azure/sdk/@v/list', { action: 'goproxy.list', module: 'github.com/Azure/sdk', artifact: 'list' }],
    ['/github.com/acme/lib/@latest', { action: 'goproxy.latest', module: 'github.com/acme/lib', artifact: 'latest' }],
    ['/github.com/acme/lib/@v/v1.2.3.info', { action: 'goproxy.info', module: 'github.com/acme/lib', version: 'v1.2.3', artifact: 'info' }],
    ['/github.com/acme/lib/@v/v1.2.3.mod', { action: 'goproxy.mod', module: 'github.com/acme/lib', version: 'v1.2.3', artifact: 'mod' }],
    ['/github.com/acme/lib/v2/@v/v2.0.0-!r!c1.zip', { action: 'goproxy.zip', module: 'github.com/acme/lib/v2', version: 'v2.0.0-RC1', artifact: 'zip' }],
    ['/github.com/acme/lib/@v/v1.0.0.zip?x=1', { action: 'goproxy.zip', module: 'github.com/acme/lib', version: 'v1.0.0', artifact: 'zip' }],
    ['/github.com/acme/lib/@v/v1.0.0.tar', { action: 'goproxy.invalid', module: 'github.com/acme/lib' }],
    ['/', { action: 'goproxy.invalid' }],
    ['/sumdb/sum.golang.org/lookup/github.com/acme/lib@v1.0.0', { action: 'sumdb.lookup', module: 'github.com/acme/lib', version: 'v1.0.0', artifact: 'lookup', detail: { db: 'sum.golang.org' } }],
    ['/sumdb/sum.golang.org/tile/8/0/001', { action: 'sumdb.tile', artifact: 'tile/8/0/001', detail: { db: 'sum.golang.org' } }],
    ['/sumdb/sum.golang.org/supported', { action: 'sumdb.supported', artifact: 'supported', detail: { db: 'sum.golang.org' } }],
    ['/webhooks/github', { action: 'webhook.delivery', detail: { provider: 'github' } }],
  ])('%s', (url, expected) => {
    expect(classifyRequest(url)).toEqual(expected);
  });

  it.each(['/healthz', '/readyz', '/api/audit/events?module=x', '/api/tokens', '/admin', '/admin/app.js', '/metrics', '/catalog', '/catalog?token=x', '/index?since=2024-01-01T00:00:00Z'])('does not audit %s per request', (url) => {
    expect(classifyRequest(url)).toBeNull();
  });

  it('still audits a module path that merely starts like a reserved word', () => {
    expect(classifyRequest('/administration.example/m/@v/list')?.action).toBe('goproxy.list');
  });
});
