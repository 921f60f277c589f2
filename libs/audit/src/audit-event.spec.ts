import { canonicalEvent, chainHash, GENESIS_HASH, normalizeEvent, type AuditEventInput } from './audit-event.js';

const base: AuditEventInput = {
  action: 'goproxy.zip',
  principal: { kind: 'user', name: 'alice', groups: ['dev', 'ops'] },
  time: new Date('2024-05-01T10:00:00.123Z'),
  module: 'github.com/acme/lib',
  version: 'v1.2.3',
  status: 200,
};

describe('normalizeEvent', () => {
  const cases: Array<[string, Partial<AuditEventInput>, (e: ReturnType<typeof normalizeEvent>) => unknown, unknown]> = [
    ['keeps plain fields', {}, (e) => [e.action, e.principalName, e.groups, e.module, e.version, e.status], ['goproxy.zip', 'alice', ['dev', 'ops'], 'github.com/acme/lib', 'v1.2.3', 200]],
    ['absent optional fields are null', {}, (e) => [e.ip, e.userAgent, e.reason, e.bytes, e.cacheHit, e.detail], [null, null, null, null, null, null]],
    ['strips NUL characters', { userAgent: 'go\0 1.19' }, (e) => e.userAgent, 'go 1.19'],
    ['replaces lone surrogates', { reason: 'bad \uD800 text' }, (e) => e.reason, 'bad \uFFFD text'],
    ['keeps surrogate pairs', { reason: 'ok 😀' }, (e) => e.reason, 'ok 😀'],
    ['bounds the user agent', { userAgent: 'x'.repeat(5000) }, (e) => e.userAgent?.length, 512],
    ['never cuts a surrogate pair in half', { userAgent: `${'x'.repeat(511)}😀` }, (e) => e.userAgent, 'x'.repeat(511)],
    ['rounds the duration', { durationMs: 12.6 }, (e) => e.durationMs, 13],
    ['clamps negative bytes', { bytes: -5 }, (e) => e.bytes, 0],
    ['drops non-finite numbers', { bytes: Number.NaN }, (e) => e.bytes, null],
    ['keeps detail values', { detail: { b: 1, a: 'x', c: ['p', 'q'], d: true, e: null } }, (e) => e.detail, { b: 1, a: 'x', c: ['p', 'q'], d: true, e: null }],
    ['makes infinite detail numbers null', { detail: { n: Number.POSITIVE_INFINITY } }, (e) => e.detail, { n: null }],
  ];
  it.each(cases)('%s', (_name, overrides, pick, expected) => {
    expect(pick(normalizeEvent({ ...base, ...overrides }, 7))).toEqual(expected);
  });

  it('refuses an invalid time', () => {
    expect(() => normalizeEvent({ ...base, time: new Date('nope') }, 1)).toThrow(/not a valid date/);
  });
});

describe('canonicalEvent and chainHash', () => {
  it('is a JSON array in a fixed field order, with a format tag', () => {
    const canonical = canonicalEvent(normalizeEvent(base, 3));
    expect(JSON.parse(canonical)).toEqual([
      'v1', 3, '2024-05-01T10:00:00.123Z', 'goproxy.zip', 'user', 'alice', ['dev', 'ops'], null, null,
      'github.com/acme/lib', 'v1.2.3', null, 200, null, null, null, null, null, null,
    ]);
  });

  it('does not depend on the key order of the detail', () => {
    const a = canonicalEvent(normalizeEvent({ ...base, detail: { x: 1, y: 'z' } }, 1));
    const b = canonicalEvent(normalizeEvent({ ...base, detail: { y: 'z', x: 1 } }, 1));
    expect(a).toBe(b);
  });

  it('changes with any field, the seq and the previous hash', () => {
    const event = normalizeEvent(base, 1);
    const hash = chainHash(GENESIS_HASH, canonicalEvent(event));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, canonicalEvent({ ...event, status: 403 }))).not.toBe(hash);
    expect(chainHash(GENESIS_HASH, canonicalEvent({ ...event, seq: 2 }))).not.toBe(hash);
    expect(chainHash('1'.repeat(64), canonicalEvent(event))).not.toBe(hash);
  });
});
