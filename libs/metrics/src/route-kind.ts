/** What a request is, for metrics: a small fixed set, never the module path or version. */
export const ROUTE_KINDS = [
  'goproxy_list',
  'goproxy_latest',
  'goproxy_info',
  'goproxy_mod',
  'goproxy_zip',
  'goproxy_invalid',
  'catalog',
  'sumdb',
  'webhook',
  'api',
  'admin',
  'health',
  'metrics',
  'other',
] as const;

export type RouteKind = (typeof ROUTE_KINDS)[number];

/** The route kind of a request URL (path and optional query), read without parsing or decoding it. */
export function routeKind(url: string): RouteKind {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (isUnder(path, '/api')) return 'api';
  if (path === '/healthz' || path === '/readyz') return 'health';
  if (path === '/metrics') return 'metrics';
  if (path === '/catalog' || path === '/index') return 'catalog';
  if (isUnder(path, '/sumdb')) return 'sumdb';
  if (isUnder(path, '/webhooks')) return 'webhook';
  if (isUnder(path, '/admin')) return 'admin';
  return goproxyKind(path);
}

/** `<module>/@v/list`, `<module>/@latest`, `<module>/@v/<version>.info|.mod|.zip`. */
function goproxyKind(path: string): RouteKind {
  const at = path.indexOf('/@');
  // A module path has at least one element before its `/@`.
  if (at <= 1) return 'other';
  if (path.endsWith('/@v/list')) return 'goproxy_list';
  if (path.endsWith('/@latest') && path.length - at === '/@latest'.length) return 'goproxy_latest';
  const versionAt = path.indexOf('/@v/');
  if (versionAt > 0 && path.indexOf('/', versionAt + 4) < 0) {
    if (path.endsWith('.zip')) return 'goproxy_zip';
    if (path.endsWith('.mod')) return 'goproxy_mod';
    if (path.endsWith('.info')) return 'goproxy_info';
  }
  return 'goproxy_invalid';
}

function isUnder(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47 /* / */);
}
