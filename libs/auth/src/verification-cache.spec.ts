import { VerificationCache } from './verification-cache.js';

describe('VerificationCache', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('keys by a salted digest, never the password, and differs per password and per instance', () => {
    const a = new VerificationCache<string>(1000, 10, clock);
    const b = new VerificationCache<string>(1000, 10, clock);
    const header = `Basic ${Buffer.from('alice:hunter2-long-password').toString('base64')}`;
    const key = a.key(header);
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(key).not.toContain(header.slice(6, 20));
    expect(key).toBe(a.key(header));
    expect(key).not.toBe(a.key(`Basic ${Buffer.from('alice:hunter3-long-password').toString('base64')}`));
    expect(key).not.toBe(b.key(header));
  });

  it('takes a shorter TTL per entry, never a longer one, and forgets tagged entries', () => {
    const cache = new VerificationCache<string>(1000, 10, clock);
    cache.set('short', 'svc', 'token principal', { ttlMs: 100, tag: 'jti-1' });
    cache.set('long', 'svc', 'other', { ttlMs: 5000, tag: 'jti-2' });
    now += 100;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toBe('other');
    cache.forgetTag('jti-2');
    expect(cache.get('long')).toBeUndefined();
    cache.set('long', 'svc', 'other', { ttlMs: 5000 });
    now += 1000;
    expect(cache.get('long')).toBeUndefined();
  });

  it('forgets entries after the TTL', () => {
    const cache = new VerificationCache<string>(1000, 10, clock);
    cache.set('k', 'alice', 'principal');
    expect(cache.get('k')).toBe('principal');
    now += 999;
    expect(cache.get('k')).toBe('principal');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps at most maxEntries, oldest out first', () => {
    const cache = new VerificationCache<number>(60_000, 2, clock);
    cache.set('a', 'u', 1);
    cache.set('b', 'u', 2);
    cache.set('c', 'u', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('forgets one user on demand', () => {
    const cache = new VerificationCache<number>(60_000, 10, clock);
    cache.set('a', 'alice', 1);
    cache.set('b', 'bob', 2);
    cache.forgetUser('alice');
    expect([cache.get('a'), cache.get('b')]).toEqual([undefined, 2]);
  });

  it('does not remember a verification that started before a forget (a user removed meanwhile)', () => {
    const cache = new VerificationCache<number>(60_000, 10, clock);
    const stamp = cache.stamp();
    cache.forgetUser('bob');
    cache.set('a', 'bob', 1, { stamp });
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 'bob', 1, { stamp: cache.stamp() });
    expect(cache.get('a')).toBe(1);
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = new VerificationCache<number>(0, 10, clock);
    cache.set('a', 'alice', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
