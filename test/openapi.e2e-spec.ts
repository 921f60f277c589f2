import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_AUTH, REPO_ROOT, basicAuth, startStack, type ModgateProcess, type Stack } from './support/index.js';
import { rawGet } from './http-client.js';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const BOB_PASSWORD = 'bob-is-not-an-admin-7f2';

/** Structural checks of an OpenAPI 3.0 document; each problem is one line naming where it is. */
function openApiProblems(doc: Json): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
  need(typeof doc.openapi === 'string' && /^3\.\d+\.\d+$/.test(doc.openapi), `openapi: expected 3.x.y, got ${JSON.stringify(doc.openapi)}`);
  const info = doc.info as Json | undefined;
  need(isObject(info) && typeof info.title === 'string' && typeof info.version === 'string', 'info: needs title and version');
  need(isObject(doc.paths), 'paths: missing');
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Json;
  for (const [name, scheme] of Object.entries(schemes)) need(isObject(scheme) && typeof scheme.type === 'string', `securitySchemes.${name}: needs a type`);
  const checkSecurity = (security: unknown, where: string) => {
    if (security === undefined) return;
    need(Array.isArray(security), `${where}.security: must be an array`);
    for (const requirement of (security as Json[]) ?? []) for (const name of Object.keys(requirement)) need(name in schemes, `${where}.security: unknown scheme ${name}`);
  };
  checkSecurity(doc.security, 'document');
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    need(path.startsWith('/'), `paths.${path}: must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const operations = Object.entries(item).filter(([key]) => METHODS.includes(key));
    need(operations.length > 0, `paths.${path}: no operations`);
    for (const [method, op] of operations as Array<[string, Json]>) {
      const where = `${method.toUpperCase()} ${path}`;
      const responses = op.responses as Json | undefined;
      need(isObject(responses) && Object.keys(responses).length > 0, `${where}: no responses`);
      for (const [status, response] of Object.entries(responses ?? {})) {
        need(/^([1-5]\d\d|[1-5]XX|default)$/.test(status), `${where}: bad response key ${status}`);
        need(isObject(response) && (typeof response.description === 'string' || typeof response.$ref === 'string'), `${where} ${status}: needs a description`);
      }
      const params = (op.parameters ?? []) as Json[];
      for (const param of params) {
        need(typeof param.name === 'string' && ['query', 'header', 'path', 'cookie'].includes(String(param.in)), `${where}: parameter needs name and in`);
        if (param.in === 'path') need(param.required === true && templated.includes(String(param.name)), `${where}: path parameter ${String(param.name)} must be required and in the path`);
      }
      for (const name of templated) need(params.some((p) => p.in === 'path' && p.name === name), `${where}: {${name}} has no path parameter`);
      checkSecurity(op.security, where);
    }
  }
  // Every $ref resolves inside the document.
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) node.forEach((child, i) => walk(child, `${where}[${i}]`));
    else if (isObject(node)) {
      if (typeof node.$ref === 'string') need(resolves(doc, node.$ref), `${where}: $ref ${node.$ref} does not resolve`);
      for (const [key, child] of Object.entries(node)) walk(child, `${where}.${key}`);
    }
  };
  walk(doc, '#');
  return problems;
}

function resolves(doc: Json, ref: string): boolean {
  if (!ref.startsWith('#/')) return false;
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Json)[part];
  }
  return true;
}

/** `GET /api/tokens/:id` -> `get /api/tokens/{id}`; a trailing wildcard (`/api/modules/*`) is documented as `{path}`. */
const asOpenApi = (method: string, url: string) => `${method.toLowerCase()} ${url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{path}')}`;

/**
 * The admin API's OpenAPI document against the running server: served to admins only, equal to
 * the committed docs/openapi.json, structurally valid OpenAPI 3, and complete — every `/api/` route
 * the server registered (from its debug log of Fastify's routes) is in it.
 */
describe('OpenAPI document of the admin API', () => {
  let stack: Stack;
  let modgate: ModgateProcess;
  let served: Json;

  beforeAll(async () => {
    stack = await startStack({ name: 'openapi-e2e', tls: false, env: { MODGATE_LOG_LEVEL: 'debug', MODGATE_LOG_FORMAT: 'json' } });
    ({ modgate } = stack);
    const bob = await stack.admin.put('/api/users/bob', { password: BOB_PASSWORD });
    expect(bob.status).toBe(200);
    const response = await stack.admin.get('/api/docs/openapi.json');
    expect(response.status).toBe(200);
    served = response.json<Json>();
  });

  afterAll(() => stack?.stop());

  it('is served to admins only: 401 without credentials, 403 for a user who is not an admin', async () => {
    for (const path of ['/api/docs', '/api/docs/openapi.json', '/api/docs/swagger-ui-bundle.js']) {
      expect([path, (await rawGet(modgate.url, path)).status]).toEqual([path, 401]);
      expect([path, (await rawGet(modgate.url, path, { headers: basicAuth('bob', BOB_PASSWORD) })).status]).toEqual([path, 403]);
    }
  });

  it('serves Swagger UI from its own files to an admin', async () => {
    const page = await rawGet(modgate.url, '/api/docs', { headers: ADMIN_AUTH });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const scripts = [...page.body.toString().matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/api/docs/swagger-ui.css', '/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui-standalone-preset.js', '/api/docs/init.js']);
    for (const asset of scripts) {
      const response = await rawGet(modgate.url, asset, { headers: ADMIN_AUTH });
      expect([asset, response.status, response.body.length > 50]).toEqual([asset, 200, true]);
    }
    expect((await rawGet(modgate.url, '/api/docs/package.json', { headers: ADMIN_AUTH })).status).toBe(404);
  });

  it('equals the committed docs/openapi.json', async () => {
    const committed = JSON.parse(await readFile(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8')) as Json;
    const hint = 'docs/openapi.json differs from the served document: run `npm run openapi` and commit the result';
    expect({ hint, document: served }).toEqual({ hint, document: committed });
  });

  it('is a structurally valid OpenAPI 3 document', () => {
    expect(openApiProblems(served)).toEqual([]);
  });

  it('finds the problems it checks for (the checker can fail)', () => {
    const broken = structuredClone(served);
    const paths = broken.paths as Record<string, Json>;
    delete (paths['/api/whoami']!.get as Json).responses;
    ((paths['/api/tokens']!.post as Json).responses as Json)['201'] = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } } };
    expect(openApiProblems(broken)).toEqual([
      'POST /api/tokens 201: needs a description',
      'GET /api/whoami: no responses',
      '#.paths./api/tokens.post.responses.201.content.application/json.schema: $ref #/components/schemas/Nope does not resolve',
    ]);
  });

  it('offers Bearer and Basic, and requires one of them everywhere', () => {
    expect((served.components as Json).securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } });
    expect(served.security).toEqual([{ bearer: [] }, { basic: [] }]);
  });

  it('documents every admin route the running server registered', () => {
    const registered = modgate
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Json)
      .filter((line) => line.msg === 'route' && String(line.url).startsWith('/api/') && line.method !== 'HEAD')
      .map((line) => asOpenApi(String(line.method), String(line.url)));
    // The docs routes serve this document; they are not part of it.
    const admin = [...new Set(registered)].filter((route) => !route.includes(' /api/docs')).sort();
    expect(admin.length).toBeGreaterThanOrEqual(14);
    const documented = Object.entries(served.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method} ${path}`),
    );
    expect(admin.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('documents the request bodies and query parameters the routes validate', () => {
    const paths = served.paths as Record<string, Record<string, Json>>;
    const tokenBody = (paths['/api/tokens']!.post!.requestBody as Json).content as Json;
    expect((tokenBody['application/json'] as Json).schema).toMatchObject({ type: 'object', required: ['name'], properties: { name: { type: 'string' }, scopes: { type: 'array' } } });
    const eventParams = (paths['/api/audit/events']!.get!.parameters as Json[]).map((p) => p.name);
    expect(eventParams).toEqual(expect.arrayContaining(['principal', 'module', 'action', 'status', 'from', 'to', 'limit', 'after', 'order']));
  });
});
