import Fastify, { type FastifyInstance } from 'fastify';
import type { Writable } from 'node:stream';
import { createLogger } from './create-logger.js';
import { captureLog } from './log-capture.js';
import { requestIdOf } from './request-id.js';
import { RequestLogController, exposeRequestIds, logRoutes } from './request-log.controller.js';

const serverLoggingTo = (out: Writable, trustedProxies: string[]) => {
  const log = createLogger({ level: 'debug', format: 'json' }, out);
  // Typed as modgate's instance (Nest's adapter): Fastify types a pino-logged instance apart.
  const app = Fastify({ loggerInstance: log, logController: new RequestLogController(trustedProxies, log), genReqId: requestIdOf }) as unknown as FastifyInstance;
  exposeRequestIds(app);
  logRoutes(app, log);
  return app;
};

/** The request line of a real Fastify with the real pino logger, written into memory. */
describe('RequestLogController', () => {
  let app: ReturnType<typeof serverLoggingTo>;
  let out: ReturnType<typeof captureLog>;

  beforeEach(async () => {
    out = captureLog();
    app = serverLoggingTo(out, ['127.0.0.1']);
    app.addHook('preHandler', async (request) => {
      const auth = request.headers.authorization;
      if (auth?.startsWith('Bearer ')) (request as { principal?: unknown }).principal = { kind: 'token', name: 'ci-deploy' };
      else if (auth) (request as { principal?: unknown }).principal = { kind: 'user', name: 'alice' };
    });
    app.get('/api/tokens/:id', async () => ({ ok: true }));
    app.post('/api/tokens', async (request) => ({ echoed: Object.keys(request.body as object) }));
    app.get('/*', async (_request, reply) => reply.header('content-length', 6).type('text/plain').send('v1.0.0'));
    await app.ready();
  });
  afterEach(() => app.close());

  const requestLines = () => out.lines().filter((line) => line.msg === 'request');

  it('writes one line per request, when it is done, with what an operator needs', async () => {
    const response = await app.inject({ url: '/api/tokens/abc', headers: { authorization: 'Basic YWxpY2U6aHVudGVyMi1wYXNzd29yZA==', 'x-forwarded-for': '203.0.113.7' } });
    expect(requestLines()).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        pid: process.pid,
        reqId: response.headers['x-request-id'],
        method: 'GET',
        route: '/api/tokens/:id',
        status: 200,
        ms: expect.any(Number),
        bytes: Number(response.headers['content-length']),
        principal: 'alice',
        ip: '203.0.113.7',
        msg: 'request',
      },
    ]);
    expect(out.lines().filter((line) => /incoming|completed/.test(String(line.msg)))).toEqual([]);
  });

  it('names GOPROXY requests by their artifact and tokens by kind', async () => {
    await app.inject({ url: '/example.com/m/@v/v1.0.0.zip', headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' } });
    await app.inject({ url: '/example.com/m/@v/list' });
    await app.inject({ url: '/example.com/m/@latest' });
    expect(requestLines().map((l) => [l.route, l.principal])).toEqual([
      ['goproxy.zip', 'token:ci-deploy'],
      ['goproxy.list', null],
      ['goproxy.latest', null],
    ]);
  });

  it('answers with the id it logged: the caller\'s when sane, else a new UUID', async () => {
    const kept = await app.inject({ url: '/api/tokens/abc', headers: { 'x-request-id': 'trace-42' } });
    const replaced = await app.inject({ url: '/api/tokens/abc', headers: { 'x-request-id': 'bad id\n' } });
    expect(kept.headers['x-request-id']).toBe('trace-42');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines().map((l) => l.reqId)).toEqual(['trace-42', replaced.headers['x-request-id']]);
  });

  it('never logs credentials or bodies', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', cookie: 'session=cookie-secret' },
      payload: { name: 'x', password: 'body-password-value' },
    });
    expect(requestLines()).toHaveLength(1);
    for (const secret of ['eyJhbGciOiJIUzI1NiJ9', 'cookie-secret', 'body-password-value']) expect(out.text()).not.toContain(secret);
  });

  it('logs a request no route matched', async () => {
    await app.close();
    app = serverLoggingTo(out, []);
    await app.ready();
    await app.inject({ method: 'DELETE', url: '/nowhere' });
    expect(requestLines()).toEqual([expect.objectContaining({ method: 'DELETE', route: '(none)', status: 404, principal: null })]);
  });

  it('lists every registered route at debug', () => {
    const routes = out.lines().filter((line) => line.msg === 'route').map((line) => `${String(line.method)} ${String(line.url)}`);
    expect(routes).toEqual(expect.arrayContaining(['GET /api/tokens/:id', 'POST /api/tokens', 'GET /*']));
  });
});
