import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ModgateConfig } from '#config';
import type { AuditEventInput } from './audit-event.js';
import { AuditHttpHook, FAIL_CLOSED_BODY } from './audit-http.hook.js';
import type { AuditWriter } from './audit-writer.service.js';
import { AuditUnavailableError } from './audit.errors.js';
import { auditNote } from './request-audit-note.js';
import { UnauthenticatedTally } from './unauthenticated-tally.service.js';

function config(audit: Partial<ModgateConfig['audit']> = {}): ModgateConfig {
  return { audit: { enabled: true, failOpen: false, retentionDays: 0, trustedProxies: ['127.0.0.1'], ...audit } } as ModgateConfig;
}

/** The onSend hook on a real Fastify; the writer is a recorder (or a failing one: an audit store outage simulated). */
describe('AuditHttpHook', () => {
  let app: FastifyInstance;
  let recorded: AuditEventInput[];
  let later: AuditEventInput[];
  let fail: boolean;
  let streamDestroyed: boolean;

  const start = async (audit: Partial<ModgateConfig['audit']> = {}) => {
    recorded = [];
    later = [];
    fail = false;
    streamDestroyed = false;
    const writer = {
      record: async (event: AuditEventInput) => {
        if (fail) throw new AuditUnavailableError('audit log unavailable: connection refused');
        recorded.push(event);
      },
      recordLater: (event: AuditEventInput) => later.push(event),
    } as unknown as AuditWriter;
    app = Fastify({ genReqId: () => randomUUID() });
    new AuditHttpHook(config(audit), writer, new UnauthenticatedTally(writer)).register(app);
    app.addHook('onRequest', async (request) => {
      (request as { principal?: unknown }).principal = { kind: 'token', name: 'ci', user: 'alice', groups: ['dev'] };
    });
    app.get('/healthz', async () => 'ok\n');
    app.get('/*', async (request, reply) => {
      if (request.url.endsWith('.zip')) {
        auditNote(request).cacheHit = false;
        const stream = new Readable({ read() {} });
        stream.on('close', () => (streamDestroyed = true));
        stream.push(Buffer.alloc(10));
        stream.push(null);
        return reply.header('content-length', 10).header('etag', '"x"').send(stream);
      }
      if (request.url.includes('denied')) return reply.code(403).type('text/plain').send('modgate: policy denies example.com/denied\n');
      return reply.type('text/plain').send('v1.0.0\n');
    });
    await app.ready();
  };
  afterEach(async () => {
    await app?.close();
  });

  it('records a pull with what the URL, the handler and the request say', async () => {
    await start();
    const response = await app.inject({ url: '/example.com/!m/@v/v1.0.0.zip', headers: { 'user-agent': 'Go-http-client/1.1', 'x-forwarded-for': '203.0.113.9' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      action: 'goproxy.zip',
      principal: { kind: 'token', name: 'ci', groups: ['dev'] },
      ip: '203.0.113.9',
      userAgent: 'Go-http-client/1.1',
      module: 'example.com/M',
      version: 'v1.0.0',
      artifact: 'zip',
      status: 200,
      reason: null,
      bytes: 10,
      cacheHit: false,
      requestId: response.headers['x-request-id'],
      detail: { user: 'alice' },
    });
  });

  it('records a refusal with the reason from the body', async () => {
    await start();
    await app.inject({ url: '/example.com/denied/@v/list' });
    expect(recorded[0]).toMatchObject({ action: 'goproxy.list', status: 403, reason: 'policy denies example.com/denied', module: 'example.com/denied' });
  });

  it('does not record health checks', async () => {
    await start();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(recorded).toEqual([]);
  });

  it('fails closed: 503, a one-line body, and the artifact stream closed unsent', async () => {
    await start();
    fail = true;
    const response = await app.inject({ url: '/example.com/m/@v/v1.0.0.zip' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers.etag).toBeUndefined();
    expect(response.body).toBe(FAIL_CLOSED_BODY);
    expect(streamDestroyed).toBe(true);
    // The log gets what the client got: the refusal, never the 200 the handler meant to send.
    expect(later).toMatchObject([{ action: 'goproxy.zip', status: 503, bytes: FAIL_CLOSED_BODY.length, detail: { refusedStatus: 200 } }]);
  });

  it('fails open when configured: the pull is served without its event', async () => {
    await start({ failOpen: true });
    fail = true;
    const response = await app.inject({ url: '/example.com/m/@v/v1.0.0.zip' });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload).toHaveLength(10);
    expect(later).toEqual([]);
  });
});
