import { ROUTE_KINDS, routeKind, type RouteKind } from './route-kind.js';

describe('routeKind', () => {
  const cases: Array<[string, string, RouteKind]> = [
    ['a version list', '/github.com/acme/lib/@v/list', 'goproxy_list'],
    ['@latest', '/github.com/acme/lib/@latest', 'goproxy_latest'],
    ['a .info', '/github.com/acme/lib/@v/v1.2.3.info', 'goproxy_info'],
    ['a .mod', '/github.com/acme/lib/@v/v1.2.3.mod', 'goproxy_mod'],
    ['a .zip', '/github.com/acme/lib/@v/v1.2.3.zip', 'goproxy_zip'],
    ['a case-escaped path', '/github.com/!azure/sdk/v2/@v/v2.0.0-rc.1.zip', 'goproxy_zip'],
    ['a query string', '/github.com/acme/lib/@v/v1.2.3.mod?go-get=1', 'goproxy_mod'],
    ['an unknown endpoint', '/github.com/acme/lib/@v/v1.2.3.tar', 'goproxy_invalid'],
    ['@latest with a suffix', '/github.com/acme/lib/@latest/x', 'goproxy_invalid'],
    ['a version with a slash', '/github.com/acme/lib/@v/v1/x.zip', 'goproxy_invalid'],
    ['no module before /@', '/@v/list', 'other'],
    ['a sumdb lookup', '/sumdb/sum.golang.org/lookup/github.com/acme/lib@v1.2.3', 'sumdb'],
    ['a sumdb tile', '/sumdb/sum.golang.org/tile/8/0/001', 'sumdb'],
    ['a webhook', '/webhooks/github', 'webhook'],
    ['the admin API', '/api/audit/events?principal=alice', 'api'],
    ['the admin page', '/admin/', 'admin'],
    ['the admin page root', '/admin', 'admin'],
    ['liveness', '/healthz', 'health'],
    ['readiness', '/readyz', 'health'],
    ['metrics', '/metrics', 'metrics'],
    ['the catalog', '/catalog?pagesize=10', 'catalog'],
    ['the index', '/index?since=2024-01-01T00:00:00Z', 'catalog'],
    ['a path under /index', '/index/x', 'other'],
    ['a favicon', '/favicon.ico', 'other'],
    ['the root', '/', 'other'],
    ['a look-alike of /api', '/apiary/@v/list', 'goproxy_list'],
    ['a look-alike of /metrics', '/metrics2', 'other'],
  ];
  it.each(cases)('classifies %s (%s) as %s', (_name, url, kind) => {
    expect(routeKind(url)).toBe(kind);
  });

  it('only answers kinds from the fixed set', () => {
    for (const [, url] of cases) expect(ROUTE_KINDS).toContain(routeKind(url));
  });
});
