import { createLogger } from './create-logger.js';
import { captureLog } from './log-capture.js';

describe('createLogger', () => {
  it('writes JSON lines with a level name, an ISO time and the pid', () => {
    const out = captureLog();
    createLogger({ level: 'info', format: 'json' }, out).child({ context: 'Audit' }).warn('fail open');
    expect(out.lines()).toEqual([{ level: 'warn', time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), pid: process.pid, context: 'Audit', msg: 'fail open' }]);
  });

  it('drops lines below the level', () => {
    const out = captureLog();
    const log = createLogger({ level: 'warn', format: 'json' }, out);
    log.info('not shown');
    log.debug('not shown');
    log.error('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it.each([
    ['a password field', { password: 'hunter2-secret-value' }],
    ['a token field', { token: 'eyJhbGciOiJIUzI1NiJ9.secret' }],
    ['a secret field', { secret: 'webhook-secret-value' }],
    ['a nested password', { change: { password: 'hunter2-secret-value' } }],
    ['a body two levels down', { req: { body: { token: 'eyJhbGciOiJIUzI1NiJ9.secret' } } }],
    ['an Authorization header', { headers: { authorization: 'Basic YWRtaW46aHVudGVyMg==' } }],
    ["a request's Authorization header", { req: { headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.secret' } } }],
    ['a Cookie header', { req: { headers: { cookie: 'session=secret-cookie' } } }],
    ['a Set-Cookie header', { res: { headers: { 'set-cookie': 'session=secret-cookie' } } }],
  ])('redacts %s', (_name, fields) => {
    const out = captureLog();
    createLogger({ level: 'info', format: 'json' }, out).info(fields, 'something happened');
    expect(out.text()).toContain('[redacted]');
    for (const secret of ['hunter2', 'eyJhbGciOiJIUzI1NiJ9', 'webhook-secret', 'YWRtaW46aHVudGVyMg', 'secret-cookie']) expect(out.text()).not.toContain(secret);
  });

  it('keeps the other fields of an object with a secret in it', () => {
    const out = captureLog();
    createLogger({ level: 'info', format: 'json' }, out).info({ user: 'alice', password: 'hunter2-secret-value' }, 'changed');
    expect(out.lines()[0]).toMatchObject({ user: 'alice', password: '[redacted]' });
  });

  it('pretty: one readable line per request, context in brackets, no JSON', () => {
    const out = captureLog();
    const log = createLogger({ level: 'info', format: 'pretty' }, out);
    log.info({ reqId: 'r-1', method: 'GET', route: '/api/whoami', status: 200, ms: 3.1, bytes: 512, principal: 'admin', ip: '127.0.0.1' }, 'request');
    log.child({ context: 'Audit' }).warn('fail open');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: GET \/api\/whoami 200 3\.1 ms 512 B admin 127\.0\.0\.1 \(r-1\)$/);
    expect(lines[1]).toMatch(/ WARN: \[Audit\] fail open$/);
  });
});
