import { LoginThrottle, type LoginAttempt, type Throttled } from './login-throttle.js';

describe('LoginThrottle', () => {
  let now = 0;
  const make = () => new LoginThrottle({ userMaxFailures: 3, ipMaxFailures: 5, windowSeconds: 60, baseDelaySeconds: 1, maxDelaySeconds: 8 }, 1000, () => now);
  const attempt = (throttle: LoginThrottle, user: string, ip: string): LoginAttempt => {
    const result = throttle.begin(user, ip);
    if ('retryAfterMs' in result) throw new Error(`refused: ${JSON.stringify(result)}`);
    return result;
  };
  const fail = (throttle: LoginThrottle, user: string, ip: string) => attempt(throttle, user, ip).fail();
  const refusal = (throttle: LoginThrottle, user: string, ip: string): Throttled | null => {
    const result = throttle.begin(user, ip);
    if ('retryAfterMs' in result) return result;
    result.release();
    return null;
  };
  beforeEach(() => (now = 1_000_000));

  it('locks a user from one address after maxFailures, doubling the delay up to the maximum', () => {
    const throttle = make();
    fail(throttle, 'alice', '10.0.0.1');
    fail(throttle, 'alice', '10.0.0.1');
    expect(refusal(throttle, 'alice', '10.0.0.1')).toBeNull();
    fail(throttle, 'alice', '10.0.0.1');
    expect(refusal(throttle, 'alice', '10.0.0.1')).toEqual({ scope: 'user', retryAfterMs: 1000, busy: false });
    now += 1000;
    fail(throttle, 'alice', '10.0.0.1');
    expect(refusal(throttle, 'alice', '10.0.0.1')?.retryAfterMs).toBe(2000);
    for (let i = 0; i < 4; i++) {
      now += 8000;
      fail(throttle, 'alice', '10.0.0.1');
    }
    expect(refusal(throttle, 'alice', '10.0.0.1')?.retryAfterMs).toBe(8000);
  });

  it("does not lock the same user from another address (a guesser cannot lock out the user's own machine)", () => {
    const throttle = make();
    for (let i = 0; i < 3; i++) fail(throttle, 'alice', '10.0.0.1');
    expect(refusal(throttle, 'alice', '10.0.0.1')?.scope).toBe('user');
    expect(refusal(throttle, 'alice', '10.0.0.2')).toBeNull();
  });

  it('reserves attempts: 100 parallel guesses get at most the allowance of verifications', () => {
    const throttle = make();
    const started = Array.from({ length: 100 }, () => throttle.begin('alice', '10.0.0.1'));
    const admitted = started.filter((r): r is LoginAttempt => !('retryAfterMs' in r));
    expect(admitted).toHaveLength(3);
    expect(started.find((r) => 'busy' in r)).toEqual({ scope: 'user', retryAfterMs: 1000, busy: true });
    for (const a of admitted) a.fail();
    expect(refusal(throttle, 'alice', '10.0.0.1')).toMatchObject({ scope: 'user', busy: false });
  });

  it('after a lock, lets one probe run at a time', () => {
    const throttle = make();
    for (let i = 0; i < 3; i++) fail(throttle, 'bob', '10.0.0.1');
    now += 1000;
    const probe = attempt(throttle, 'bob', '10.0.0.1');
    expect(refusal(throttle, 'bob', '10.0.0.1')).toMatchObject({ busy: true });
    probe.succeed();
    expect(refusal(throttle, 'bob', '10.0.0.1')).toBeNull();
  });

  it('gives the slot back when the verification could not be done', () => {
    const throttle = make();
    for (let i = 0; i < 10; i++) attempt(throttle, 'carol', '10.0.0.1').release();
    expect(refusal(throttle, 'carol', '10.0.0.1')).toBeNull();
  });

  it('treats user names case-insensitively (the directory does)', () => {
    const throttle = make();
    for (const name of ['Alice', 'ALICE', 'alice']) fail(throttle, name, '10.0.0.1');
    expect(refusal(throttle, 'aLiCe', '10.0.0.1')?.scope).toBe('user');
  });

  it('locks an address that fails for many users, except for users who logged in from it before', () => {
    const throttle = make();
    attempt(throttle, 'colleague', '192.0.2.7').succeed();
    for (let i = 0; i < 5; i++) fail(throttle, `user${i}`, '192.0.2.7');
    expect(refusal(throttle, 'someone-else', '192.0.2.7')).toEqual({ scope: 'ip', retryAfterMs: 1000, busy: false });
    expect(refusal(throttle, 'someone-else', '192.0.2.8')).toBeNull();
    expect(refusal(throttle, 'colleague', '192.0.2.7')).toBeNull();
  });

  it('clears a pair on success and forgets old failures after the window', () => {
    const throttle = make();
    fail(throttle, 'bob', '10.0.0.1');
    fail(throttle, 'bob', '10.0.0.1');
    attempt(throttle, 'bob', '10.0.0.1').succeed();
    fail(throttle, 'bob', '10.0.0.1');
    expect(refusal(throttle, 'bob', '10.0.0.1')).toBeNull();
    fail(throttle, 'carol', '10.0.0.1');
    fail(throttle, 'carol', '10.0.0.1');
    now += 61_000;
    fail(throttle, 'carol', '10.0.0.1');
    expect(refusal(throttle, 'carol', '10.0.0.1')).toBeNull();
  });

  it('lists locks and lifts them by user, by address, or all', () => {
    const throttle = make();
    for (let i = 0; i < 3; i++) fail(throttle, 'dave', '10.0.0.1');
    for (let i = 0; i < 3; i++) fail(throttle, 'erin', '10.0.0.2');
    expect(throttle.locks()).toEqual([
      { user: 'dave', ip: '10.0.0.1', failures: 3, retryAfterSeconds: 1 },
      { user: 'erin', ip: '10.0.0.2', failures: 3, retryAfterSeconds: 1 },
    ]);
    expect(throttle.clear({ user: 'DAVE' })).toBe(1);
    expect(refusal(throttle, 'dave', '10.0.0.1')).toBeNull();
    expect(throttle.clear({ ip: '10.0.0.2' })).toBe(1);
    expect(refusal(throttle, 'erin', '10.0.0.2')).toBeNull();
    for (let i = 0; i < 3; i++) fail(throttle, 'dave', '10.0.0.3');
    expect(throttle.clear({})).toBe(1);
    expect(throttle.locks()).toEqual([]);
  });
});
