import type { ThrottleConfig } from '#config';

interface Record {
  failures: number;
  firstFailureAt: number;
  blockedUntil: number;
}

/** A refusal: who is throttled and for how much longer. */
export interface Throttled {
  key: string;
  retryAfterMs: number;
}

/**
 * Failed-login throttling per user name and per client address. After `maxFailures` failures
 * within the window the key is locked for `baseDelay`, doubling with each further failure up to
 * `maxDelay`. A success clears the user's record. In memory, per process, bounded in size.
 */
export class LoginThrottle {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly config: ThrottleConfig,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The first of the keys that is locked now, or null. */
  check(user: string, ip: string): Throttled | null {
    const now = this.now();
    for (const key of [userKey(user), ipKey(ip)]) {
      const record = this.records.get(key);
      if (record && record.blockedUntil > now) return { key, retryAfterMs: record.blockedUntil - now };
    }
    return null;
  }

  fail(user: string, ip: string): void {
    this.bump(userKey(user), this.config.userMaxFailures);
    this.bump(ipKey(ip), this.config.ipMaxFailures);
  }

  succeed(user: string): void {
    this.records.delete(userKey(user));
  }

  private bump(key: string, maxFailures: number): void {
    const now = this.now();
    let record = this.records.get(key);
    if (!record || (record.blockedUntil <= now && now - record.firstFailureAt > this.config.windowSeconds * 1000)) {
      record = { failures: 0, firstFailureAt: now, blockedUntil: 0 };
    }
    record.failures++;
    if (record.failures >= maxFailures) {
      const delayMs = Math.min(this.config.baseDelaySeconds * 1000 * 2 ** (record.failures - maxFailures), this.config.maxDelaySeconds * 1000);
      record.blockedUntil = now + delayMs;
    }
    this.records.delete(key);
    this.records.set(key, record);
    while (this.records.size > this.maxKeys) this.records.delete(this.records.keys().next().value!);
  }
}

function userKey(user: string): string {
  return `user:${user.toLowerCase()}`;
}

function ipKey(ip: string): string {
  return `ip:${ip}`;
}
