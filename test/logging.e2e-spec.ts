import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ADMIN_AUTH,
  MODGATE_ENTRY,
  REPO_ROOT,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  bearerAuth,
  startStack,
  type ModgateProcess,
  type Stack,
} from './support/index.js';
import { rawGet, rawRequest } from './http-client.js';

type LogLine = Record<string, unknown>;

const CAROL_PASSWORD = 'carol-password-in-a-body-9d1';
const WRONG_PASSWORD = 'wrong-password-attempt-5e3';

/**
 * modgate's log as an operator reads it: the real server with stdout piped (so JSON lines), one
 * line per request with the id the response and the audit event carry, and no secret anywhere.
 */
describe('structured logs', () => {
  let stack: Stack;
  let dir: string;
  let modgate: ModgateProcess;
  let token: string;

  const lines = (): LogLine[] =>
    modgate
      .stdout()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  const requestLines = (reqId: string) => lines().filter((line) => line.msg === 'request' && line.reqId === reqId);
  /** The request line is written when the response is done, a moment after the client has it. */
  const requestLine = async (reqId: string): Promise<LogLine> => {
    for (let i = 0; i < 50 && requestLines(reqId).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const found = requestLines(reqId);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    stack = await startStack({ name: 'logging-e2e', tls: false });
    ({ dir, modgate } = stack);
    const created = await stack.admin.post('/api/tokens', { name: 'ci' });
    expect(created.status).toBe(201);
    token = created.json<{ token: string }>().token;
  });

  afterAll(() => stack?.stop());

  it('writes only JSON lines when stdout is not a terminal, the start banner included', () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(5);
    expect(all.filter((line) => String(line.msg).includes('go env -w GOPROXY='))).toHaveLength(1);
    expect(all.filter((line) => String(line.msg).startsWith('Created the admin user "admin"'))).toHaveLength(1);
  });

  it('writes one line per request, with route, status, duration, bytes, principal and client address', async () => {
    const response = await rawGet(modgate.url, '/api/whoami', { headers: bearerAuth(token) });
    expect(response.status).toBe(200);
    const id = String(response.headers['x-request-id']);
    expect(await requestLine(id)).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      pid: modgate.pid,
      reqId: id,
      method: 'GET',
      route: '/api/whoami',
      status: 200,
      ms: expect.any(Number),
      bytes: response.body.length,
      principal: 'token:ci',
      ip: '127.0.0.1',
      msg: 'request',
    });
    expect(lines().filter((line) => /incoming request|request completed/.test(String(line.msg)))).toEqual([]);
  });

  it('uses one request id for the response header, the log line and the audit event', async () => {
    const pull = await rawGet(modgate.url, '/example.com/private/@v/v1.0.0.info', { headers: { ...ADMIN_AUTH, 'x-request-id': 'trace-e2e-0001' } });
    expect(pull.status).toBe(404);
    expect(pull.headers['x-request-id']).toBe('trace-e2e-0001');
    expect(await requestLine('trace-e2e-0001')).toMatchObject({ route: 'goproxy.info', status: 404, principal: 'admin' });
    const audit = await rawGet(modgate.url, '/api/audit/events?action=goproxy.info&module=example.com/private', { headers: ADMIN_AUTH });
    const events = (JSON.parse(audit.body.toString()) as { events: Array<{ requestId: string }> }).events;
    expect(events.map((e) => e.requestId)).toEqual(['trace-e2e-0001']);
  });

  it('replaces an inbound request id that is not sane with a UUID', async () => {
    const response = await rawGet(modgate.url, '/api/whoami', { headers: { ...ADMIN_AUTH, 'x-request-id': 'x'.repeat(65) } });
    const id = String(response.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await requestLine(id)).principal).toBe('admin');
  });

  it('never writes a password or a token: in headers, in bodies, right or wrong', async () => {
    const carol = await rawRequest('PUT', modgate.url, '/api/users/carol', { headers: ADMIN_AUTH, body: Buffer.from(JSON.stringify({ password: CAROL_PASSWORD })) });
    expect(carol.status).toBe(200);
    expect((await rawGet(modgate.url, '/api/whoami', { headers: basicAuth('carol', CAROL_PASSWORD) })).status).toBe(200);
    expect((await rawGet(modgate.url, '/api/whoami', { headers: basicAuth('carol', WRONG_PASSWORD) })).status).toBe(401);
    expect((await rawGet(modgate.url, '/api/whoami', { headers: basicAuth('ci', token) })).status).toBe(200);
    await requestLine(String(carol.headers['x-request-id']));
    const log = modgate.stdout();
    for (const secret of [TEST_ADMIN_PASSWORD, CAROL_PASSWORD, WRONG_PASSWORD, token, token.split('.')[2]!]) {
      expect(log).not.toContain(secret);
      expect(log).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
    for (const header of [ADMIN_AUTH.authorization, basicAuth('carol', CAROL_PASSWORD).authorization, basicAuth('ci', token).authorization]) {
      expect(log).not.toContain(header.slice('Basic '.length));
    }
  });

  it('refuses a bad MODGATE_LOG_FORMAT or MODGATE_LOG_LEVEL at start, naming the setting', () => {
    for (const [name, value] of [
      ['MODGATE_LOG_FORMAT', 'xml'],
      ['MODGATE_LOG_LEVEL', 'loud'],
    ]) {
      const result = spawnSync(process.execPath, [join(REPO_ROOT, MODGATE_ENTRY)], {
        env: { PATH: process.env.PATH, MODGATE_DATA_DIR: join(dir, 'unused'), [name!]: value },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^modgate: invalid configuration:\\n  ${name}: `));
    }
  });
});
