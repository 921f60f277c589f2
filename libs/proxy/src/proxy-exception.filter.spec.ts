import type { ArgumentsHost } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { ForbiddenError, InvalidRequestError, TooManyAttemptsError, UnauthorizedError } from '#auth';
import { BlobStoreWriteError } from '#storage';
import { NotFoundError } from './errors.js';
import { ProxyExceptionFilter } from './proxy-exception.filter.js';

/** A Fastify reply stand-in recording what the filter sends. */
function capture(url: string) {
  const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
  const reply = {
    sent: false,
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: string) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ url }) }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('ProxyExceptionFilter', () => {
  const filter = new ProxyExceptionFilter();

  it('answers GOPROXY routes with one plain-text line and the challenge of a 401', () => {
    const { host, sent } = capture('/github.com/x/y/@v/list');
    filter.catch(new UnauthorizedError('authentication required'), host);
    expect(sent).toEqual({
      status: 401,
      headers: { 'cache-control': 'no-store', 'www-authenticate': 'Basic realm="modgate"', 'content-type': 'text/plain; charset=utf-8' },
      body: 'modgate: authentication required\n',
    });
  });

  it('answers /api/ routes with the uniform JSON error', () => {
    const { host, sent } = capture('/api/tokens');
    filter.catch(new InvalidRequestError('name: too short'), host);
    expect(sent.status).toBe(400);
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(sent.body!)).toEqual({ error: { code: 'invalid_input', message: 'name: too short' } });
  });

  it('keeps Retry-After on a 429 and maps domain and framework errors', () => {
    const throttled = capture('/api/whoami');
    filter.catch(new TooManyAttemptsError('too many failed logins for bob; try again in 4 s', 3.2), throttled.host);
    expect([throttled.sent.status, throttled.sent.headers['retry-after']]).toEqual([429, '4']);
    const forbidden = capture('/golang.org/x/text/@v/v0.3.7.zip');
    filter.catch(new ForbiddenError('golang.org/x/text@v0.3.7 is blocked: CVE-2022-32149 (policy security-baseline)'), forbidden.host);
    expect(forbidden.sent.body).toBe('modgate: golang.org/x/text@v0.3.7 is blocked: CVE-2022-32149 (policy security-baseline)\n');
    const missing = capture('/api/nothing');
    filter.catch(new NotFoundException(), missing.host);
    expect(JSON.parse(missing.sent.body!)).toEqual({ error: { code: 'not_found', message: 'not found' } });
    const domain = capture('/api/sync');
    filter.catch(new NotFoundError('x is not served by a private origin'), domain.host);
    expect(JSON.parse(domain.sent.body!).error).toEqual({ code: 'not_found', message: 'x is not served by a private origin' });
  });

  it('hides unexpected errors behind an id, in JSON too', () => {
    const { host, sent } = capture('/api/policies');
    filter.catch(new Error('secret detail: password=hunter2'), host);
    const body = JSON.parse(sent.body!) as { error: { code: string; message: string; id: string } };
    expect(sent.status).toBe(500);
    expect(body.error.code).toBe('internal');
    expect(body.error.message).toBe(`internal error (id ${body.error.id})`);
    expect(sent.body).not.toContain('hunter2');
  });

  it('answers a blob store that refuses writes 503 with one clear line, the cause only in the log', () => {
    const { host, sent } = capture('/github.com/x/y/@v/v1.0.0.zip');
    const cause = Object.assign(new Error("EROFS: read-only file system, open '/srv/modgate/blobs/.tmp/.tmp-1'"), { code: 'EROFS' });
    filter.catch(new BlobStoreWriteError('github.com/x/y/@v/v1.0.0.zip', 'not writable', cause), host);
    expect(sent.status).toBe(503);
    expect(sent.body).toBe('modgate: blob store is not writable; nothing can be cached until an operator fixes it (the server log has the cause)\n');
  });
});
