import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  let now = 0;
  const make = () => new LoginThrottle({ userMaxFailures: 3, ipMaxFailures: 5, windowSeconds: 60, baseDelaySeconds: 1, maxDelaySeconds: 8 }, 1000, () => now);
  beforeEach(() => (now = 1_000_000));

  it('locks a user after maxFailures, doubling the delay up to the maximum', () => {
    const throttle = make();
    throttle.fail('alice', '10.0.0.1');
    throttle.fail('alice', '10.0.0.2');
    expect(throttle.check('alice', '10.0.0.3')).toBeNull();
    throttle.fail('alice', '10.0.0.3');
    expect(throttle.check('alice', '10.0.0.9')).toEqual({ key: 'user:alice', retryAfterMs: 1000 });
    now += 1000;
    expect(throttle.check('alice', '10.0.0.9')).toBeNull();
    throttle.fail('alice', '10.0.0.4');
    expect(throttle.check('alice', '10.0.0.9')?.retryAfterMs).toBe(2000);
    for (let i = 0; i < 5; i++) throttle.fail('alice', `10.0.1.${i}`);
    expect(throttle.check('alice', '10.0.0.9')?.retryAfterMs).toBe(8000);
  });

  it('treats user names case-insensitively (the directory does)', () => {
    const throttle = make();
    for (const name of ['Alice', 'ALICE', 'alice']) throttle.fail(name, `10.0.0.${name.length}`);
    expect(throttle.check('aLiCe', '10.9.9.9')?.key).toBe('user:alice');
  });

  it('locks an address that fails for many users', () => {
    const throttle = make();
    for (let i = 0; i < 5; i++) throttle.fail(`user${i}`, '192.0.2.7');
    expect(throttle.check('someone-else', '192.0.2.7')).toEqual({ key: 'ip:192.0.2.7', retryAfterMs: 1000 });
    expect(throttle.check('someone-else', '192.0.2.8')).toBeNull();
  });

  it('clears a user on success and forgets old failures after the window', () => {
    const throttle = make();
    throttle.fail('bob', '10.0.0.1');
    throttle.fail('bob', '10.0.0.1');
    throttle.succeed('bob');
    throttle.fail('bob', '10.0.0.1');
    expect(throttle.check('bob', '10.0.0.2')).toBeNull();
    throttle.fail('carol', '10.0.0.1');
    throttle.fail('carol', '10.0.0.1');
    now += 61_000;
    throttle.fail('carol', '10.0.0.1');
    expect(throttle.check('carol', '10.0.0.2')).toBeNull();
  });
});
