import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';

import jwt from 'jsonwebtoken';
import {
  ADMIN_AUTH,
  LDAP_GROUPS,
  LDAP_PEOPLE,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  bearerAuth,
  startStack,
  type ModgateProcess,
  type Stack,
  type TestSlapd,
} from './support/index.js';
import { rawGet, rawRequest, type RawResponse } from './http-client.js';

const JWT_SECRET = 'auth-cases-jwt-secret-0123456789abcdef';
const PASSWORDS = { alice: 'alice-ldap-password', bob: 'bob-ldap-password', dave: 'dave-ldap-password', zoe: 'zoe-ldap-password' };

/** How each case authenticates: a ready header, or one built once the tokens exist. */
type Credential = Record<string, string> | ((t: Tokens) => Record<string, string>);

interface Tokens {
  valid: string;
  admin: string;
  revoked: string;
  expired: string;
}

interface AuthCase {
  name: string;
  credential: Credential;
  path?: string;
  status: number;
}

const basicRaw = (text: string) => ({ authorization: `Basic ${Buffer.from(text).toString('base64')}` });
const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload;
const resign = (token: string, secret: string, change: Partial<jwt.JwtPayload> = {}, options: jwt.SignOptions = { algorithm: 'HS256' }) =>
  jwt.sign({ ...claimsOf(token), ...change }, secret, options);
const segments = (token: string) => token.split('.') as [string, string, string];
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The authentication table: every way a request can present (or fail to present) credentials,
 * each with its expected status, against a real modgate over HTTPS with a real slapd behind it.
 */
const CASES: AuthCase[] = [
  { name: 'no Authorization header', credential: {}, status: 401 },
  { name: 'empty Authorization header', credential: { authorization: '' }, status: 401 },
  { name: 'Digest scheme', credential: { authorization: 'Digest username="alice", realm="modgate"' }, status: 401 },
  { name: 'Negotiate scheme', credential: { authorization: 'Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1' }, status: 401 },
  { name: 'Basic with malformed base64', credential: { authorization: 'Basic !!not-base64!!' }, status: 401 },
  { name: 'Basic without a colon', credential: basicRaw('alice'), status: 401 },
  { name: 'Basic with an empty user name', credential: basicRaw(`:${PASSWORDS.alice}`), status: 401 },
  { name: 'Basic with an empty password', credential: basicRaw('alice:'), status: 401 },
  { name: 'Basic with an unknown user', credential: basicAuth('nobody', 'some-password'), status: 401 },
  { name: 'LDAP user with a wrong password', credential: basicAuth('alice', 'wrong-password'), status: 401 },
  { name: 'LDAP user with the right password', credential: basicAuth('alice', PASSWORDS.alice), status: 200 },
  { name: 'LDAP user name in another case (the directory matches case-insensitively)', credential: basicAuth('ALICE', PASSWORDS.alice), status: 200 },
  { name: 'LDAP injection: *)(uid=* with a real password', credential: basicAuth('*)(uid=*', PASSWORDS.alice), status: 401 },
  { name: 'LDAP injection: * with a real password', credential: basicAuth('*', PASSWORDS.alice), status: 401 },
  { name: 'LDAP injection: alice)(|(uid=* closing the filter', credential: basicAuth('alice)(|(uid=*', PASSWORDS.alice), status: 401 },
  { name: 'LDAP injection: NUL byte after the name', credential: basicRaw(`alice\u0000:${PASSWORDS.alice}`), status: 401 },
  { name: 'disabled (locked) LDAP user with the right password', credential: basicAuth('dave', PASSWORDS.dave), status: 401 },
  { name: 'local admin with the right password', credential: ADMIN_AUTH, status: 200 },
  { name: 'local admin with a wrong password', credential: basicAuth('admin', 'not-the-admin-password'), status: 401 },
  { name: 'Bearer with a valid token', credential: (t) => bearerAuth(t.valid), status: 200 },
  { name: 'Basic with a token as the password (.netrc of a CI job)', credential: (t) => basicAuth('ci', t.valid), status: 200 },
  { name: 'Bearer with garbage', credential: bearerAuth('not-a-token'), status: 401 },
  { name: 'Bearer with a user password', credential: bearerAuth(PASSWORDS.alice), status: 401 },
  { name: 'expired token', credential: (t) => bearerAuth(t.expired), status: 401 },
  { name: 'revoked token', credential: (t) => bearerAuth(t.revoked), status: 401 },
  { name: 'revoked token as a Basic password', credential: (t) => basicAuth('ci', t.revoked), status: 401 },
  { name: 'wrong alg: HS512 with the right secret', credential: (t) => bearerAuth(resign(t.valid, JWT_SECRET, {}, { algorithm: 'HS512' })), status: 401 },
  { name: 'alg none', credential: (t) => bearerAuth(`${b64({ alg: 'none', typ: 'JWT' })}.${segments(t.valid)[1]}.`), status: 401 },
  {
    name: 'alg confusion: RS256 signed with an attacker key',
    credential: (t) => bearerAuth(resign(t.valid, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), {}, { algorithm: 'RS256' })),
    status: 401,
  },
  { name: 'tampered payload (scopes raised to admin), signature kept', credential: (t) => bearerAuth(`${segments(t.valid)[0]}.${b64({ ...claimsOf(t.valid), scopes: ['admin', 'read'] })}.${segments(t.valid)[2]}`), status: 401 },
  { name: 'tampered signature', credential: (t) => bearerAuth(`${segments(t.valid)[0]}.${segments(t.valid)[1]}.${segments(t.valid)[2].slice(0, -4)}AAAA`), status: 401 },
  { name: "token from another instance's secret", credential: (t) => bearerAuth(resign(t.valid, 'another-instance-secret-0123456789abcdef')), status: 401 },
  { name: 'valid signature, unknown jti (never issued)', credential: (t) => bearerAuth(resign(t.valid, JWT_SECRET, { jti: randomUUID() })), status: 401 },
  { name: 're-minted with the server secret: not the stored token', credential: (t) => bearerAuth(resign(t.valid, JWT_SECRET, { iat: (claimsOf(t.valid).iat ?? 0) - 1 })), status: 401 },
  { name: 'wrong audience', credential: (t) => bearerAuth(resign(t.valid, JWT_SECRET, { aud: 'someone-else' })), status: 401 },
  { name: 'wrong issuer', credential: (t) => bearerAuth(resign(t.valid, JWT_SECRET, { iss: 'someone-else' })), status: 401 },
  {
    name: 'expired token with its exp pushed into the future by hand',
    credential: (t) => bearerAuth(`${segments(t.expired)[0]}.${b64({ ...claimsOf(t.expired), exp: Math.floor(Date.now() / 1000) + 3600 })}.${segments(t.expired)[2]}`),
    status: 401,
  },
  { name: 'read token on an admin route', credential: (t) => bearerAuth(t.valid), path: '/api/policies', status: 403 },
  { name: 'admin token on an admin route', credential: (t) => bearerAuth(t.admin), path: '/api/policies', status: 200 },
  { name: 'LDAP user who is no admin on an admin route', credential: basicAuth('alice', PASSWORDS.alice), path: '/api/policies', status: 403 },
  { name: 'LDAP admin (group modgate-admins) on an admin route', credential: basicAuth('zoe', PASSWORDS.zoe), path: '/api/policies', status: 200 },
  { name: 'GOPROXY route without credentials', credential: {}, path: '/github.com/fixture/alpha/@v/list', status: 401 },
  { name: 'sumdb route without credentials', credential: {}, path: '/sumdb/sum.golang.org/supported', status: 401 },
  { name: 'GOPROXY route with a valid token (no upstream: 404 after authentication)', credential: (t) => bearerAuth(t.valid), path: '/github.com/fixture/alpha/@v/list', status: 404 },
  { name: 'health without credentials', credential: {}, path: '/healthz', status: 200 },
  { name: 'readiness without credentials', credential: {}, path: '/readyz', status: 200 },
];

describe('authentication: the table of cases (real slapd, modgate over HTTPS)', () => {
  let stack: Stack;
  let slapd: TestSlapd;
  let modgate: ModgateProcess;
  let ca: Buffer;
  let tokens: Tokens;

  const get = (path: string, headers: Record<string, string> = {}) => rawGet(modgate.url, path, { ca, headers });
  const api = async (method: 'POST' | 'DELETE', path: string, body?: object, headers = ADMIN_AUTH): Promise<RawResponse> =>
    rawRequest(method, modgate.url, path, { ca, headers, body: body ? Buffer.from(JSON.stringify(body)) : undefined });
  const createToken = async (body: object) => {
    const response = await api('POST', '/api/tokens', body);
    if (response.status !== 201) throw new Error(`token not created: ${response.status} ${response.body.toString()}`);
    return JSON.parse(response.body.toString()) as { token: string; id: string };
  };

  beforeAll(async () => {
    stack = await startStack({
      name: 'auth-cases',
      ldap: true,
      config: ({ slapd }) => [
        'auth:',
        '  throttle: { userMaxFailures: 3, ipMaxFailures: 25, windowSeconds: 60, baseDelaySeconds: 2, maxDelaySeconds: 10 }',
        '  ldap:',
        `    url: ${slapd!.url}`,
        `    searchBase: ${LDAP_PEOPLE}`,
        `    groupSearchBase: ${LDAP_GROUPS}`,
        '    timeoutSeconds: 2',
      ],
      env: { MODGATE_SUMDB: 'sum.golang.org', MODGATE_JWT_SECRET: JWT_SECRET },
    });
    ({ modgate } = stack);
    [slapd, ca] = [stack.slapd!, stack.ca!];
    for (const [uid, password] of Object.entries(PASSWORDS)) await slapd.addUser(uid, password);
    await slapd.addGroup('developers', ['alice', 'bob']);
    await slapd.addGroup('modgate-admins', ['zoe']);
    await slapd.lockUser('dave');
    const [valid, admin, revoked, expired] = await Promise.all([
      createToken({ name: 'valid', scopes: ['read'] }),
      createToken({ name: 'admin-ops', scopes: ['admin'] }),
      createToken({ name: 'to-revoke', scopes: ['read'] }),
      createToken({ name: 'short-lived', scopes: ['read'], expiresInDays: 1 / 86400 }),
    ]);
    expect((await api('DELETE', `/api/tokens/${revoked.id}`)).status).toBe(200);
    tokens = { valid: valid.token, admin: admin.token, revoked: revoked.token, expired: expired.token };
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }, 120_000);

  afterAll(() => stack?.stop());

  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name -> $status', async ({ credential, path, status }) => {
    const headers = typeof credential === 'function' ? credential(tokens) : credential;
    const response = await get(path ?? '/api/whoami', headers);
    expect([response.status, response.body.toString().slice(0, 200)]).toEqual([status, expect.any(String)]);
    if (status === 401) expect(response.headers['www-authenticate']).toBe('Basic realm="modgate"');
  });

  it('sent the injection attempts to the directory escaped (slapd logs the filters it ran)', () => {
    const filters = slapd.log().split('\n').filter((line) => line.includes(' SRCH base="ou=people,')).map((line) => /filter="([^"]*)"/.exec(line)?.[1]);
    expect(filters).toContain('(uid=\\2A\\29\\28uid=\\2A)');
    expect(filters).toContain('(uid=\\2A)');
    expect(filters).toContain('(uid=alice\\29\\28|\\28uid=\\2A)');
    expect(filters.filter((f) => f?.includes('*'))).toEqual([]);
  });

  it('answers 401 on GOPROXY routes with one plain-text line, and JSON under /api/', async () => {
    const goproxy = await get('/github.com/fixture/alpha/@v/list');
    expect(goproxy.headers['content-type']).toMatch(/^text\/plain/);
    expect(goproxy.body.toString()).toMatch(/^modgate: authentication required[^\n]*\n$/);
    const apiAnswer = await get('/api/whoami', basicAuth('alice', 'wrong-password'));
    expect(JSON.parse(apiAnswer.body.toString())).toEqual({ error: { code: 'unauthorized', message: 'invalid user name or password' } });
  });

  it('maps directory identities: canonical user name and groups', async () => {
    const whoami = JSON.parse((await get('/api/whoami', basicAuth('ALICE', PASSWORDS.alice))).body.toString());
    expect(whoami).toMatchObject({ kind: 'user', name: 'alice', groups: ['developers'], via: 'ldap', admin: false });
  });

  it('validates admin API bodies: 400 with a JSON error, never 500', async () => {
    const bad: Array<[string, object | string]> = [
      ['/api/tokens', { name: '' }],
      ['/api/tokens', { name: 'x', scopes: ['root'] }],
      ['/api/tokens', { name: 'x', expiresInDays: 100000 }],
      ['/api/tokens', { name: 'x', modules: ['github.com/['] }],
      ['/api/tokens', { name: 'x', unknown: true }],
      ['/api/tokens', '{not json'],
    ];
    for (const [path, body] of bad) {
      const response = await rawRequest('POST', modgate.url, path, {
        ca,
        headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
        body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      });
      expect([path, response.status]).toEqual([path, 400]);
      expect(JSON.parse(response.body.toString()).error.code).toBe('invalid_input');
    }
    const unknown = await api('DELETE', `/api/tokens/${randomBytes(16).toString('base64url')}`);
    expect(unknown.status).toBe(404);
    expect((await api('DELETE', '/api/tokens/not-an-id')).status).toBe(400);
  });

  it('manages local users; disabling one ends its password and its tokens at once', async () => {
    const put = (body: object) => rawRequest('PUT', modgate.url, '/api/users/carol', { ca, headers: ADMIN_AUTH, body: Buffer.from(JSON.stringify(body)) });
    expect((await put({ password: 'carol-local-password', groups: ['developers'] })).status).toBe(200);
    const carol = basicAuth('carol', 'carol-local-password');
    expect(JSON.parse((await get('/api/whoami', carol)).body.toString())).toMatchObject({ name: 'carol', via: 'local', groups: ['developers'] });
    const created = await api('POST', '/api/tokens', { name: 'carol-laptop' }, carol);
    const { token } = JSON.parse(created.body.toString()) as { token: string };
    expect((await get('/api/whoami', bearerAuth(token))).status).toBe(200);
    expect((await get('/api/users', carol)).status).toBe(403);
    expect((await put({ disabled: true })).status).toBe(200);
    expect((await get('/api/whoami', carol)).status).toBe(401);
    const refused = await get('/api/whoami', bearerAuth(token));
    expect([refused.status, JSON.parse(refused.body.toString()).error.message]).toEqual([401, 'the owner of the token, carol, is disabled or removed']);
    const users = JSON.parse((await get('/api/users', ADMIN_AUTH)).body.toString()) as Array<{ name: string; disabled: boolean }>;
    expect(users.map((u) => [u.name, u.disabled])).toEqual([['admin', false], ['carol', true]]);
    expect(JSON.stringify(users)).not.toMatch(/scrypt|password/i);
  });

  it('throttles failed logins per user with a clear 429 and Retry-After, even for the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/api/whoami', basicAuth('bob', `wrong-${i}`))).status).toBe(401);
    const locked = await get('/api/whoami', basicAuth('bob', PASSWORDS.bob));
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('2');
    expect(JSON.parse(locked.body.toString()).error.message).toMatch(/^too many failed logins for bob from 127\.0\.0\.1; try again in 2 s$/);
    // Another user from the same address is not locked out by bob's failures.
    expect((await get('/api/whoami', basicAuth('zoe', PASSWORDS.zoe))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await get('/api/whoami', basicAuth('bob', PASSWORDS.bob))).status).toBe(200);
  });

  it('keeps cached verifications working while LDAP is down, and answers 503 for the rest', async () => {
    expect((await get('/api/whoami', basicAuth('alice', PASSWORDS.alice))).status).toBe(200);
    await slapd.stop();
    try {
      expect((await get('/api/whoami', basicAuth('alice', PASSWORDS.alice))).status).toBe(200);
      const uncached = await get('/github.com/fixture/alpha/@v/list', basicAuth('zoe', 'a-password-never-verified'));
      expect([uncached.status, uncached.body.toString()]).toEqual([503, 'modgate: authentication backend unavailable: the directory cannot be reached\n']);
      expect((await get('/api/whoami', bearerAuth(tokens.valid))).status).toBe(200);
    } finally {
      await slapd.restart();
    }
  });

  it('throttles an address that fails for many users', async () => {
    let status = 0;
    for (let i = 0; i < 30 && status !== 429; i++) status = (await get('/api/whoami', basicAuth(`spray-${i}`, 'password123'))).status;
    expect(status).toBe(429);
    const response = await get('/api/whoami', basicAuth('spray-new', 'password123'));
    expect(JSON.parse(response.body.toString()).error.message).toMatch(/^too many failed logins from 127\.0\.0\.1; try again in \d+ s$/);
  });

  it('never writes a password or a token to its log', () => {
    const log = modgate.stdout();
    for (const secret of [...Object.values(PASSWORDS), TEST_ADMIN_PASSWORD, JWT_SECRET, ...Object.values(tokens)]) expect(log).not.toContain(secret);
  });
});
