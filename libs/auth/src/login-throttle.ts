import type { ThrottleConfig } from '#config';

interface Record {
  failures: number;
  firstFailureAt: number;
  blockedUntil: number;
  /** Verifications started and not finished yet: they count against the allowance. */
  inFlight: number;
}

/** A refusal: whose logins are throttled and for how much longer. */
export interface Throttled {
  /** `user`: this user from this address; `ip`: every user not seen succeeding from this address. */
  scope: 'user' | 'ip';
  retryAfterMs: number;
  /** Refused because the allowance is taken by verifications still running, not by failures. */
  busy: boolean;
}

/** A reserved verification: finish it with exactly one of these (later calls do nothing). */
export interface LoginAttempt {
  fail(): void;
  succeed(): void;
  /** Neither success nor failure (the directory could not be asked): gives the slot back. */
  release(): void;
}

/** A lock as the admin API lists it. */
export interface LoginLock {
  user: string | null;
  ip: string;
  failures: number;
  retryAfterSeconds: number;
}

/**
 * Failed-login throttling per user name and client address. A verification reserves its attempt
 * first ({@link begin}), so parallel guesses cannot all be verified before the first failure is
 * counted: failures plus running verifications stay within the allowance. After `userMaxFailures`
 * failures of one user from one address, that pair is locked for `baseDelay`, doubling with each
 * further failure up to `maxDelay`. After `ipMaxFailures` failures from one address (password
 * spraying), the address is locked too, but only for user names that have not logged in from it
 * successfully before. A success clears its pair. In memory, per process, bounded in size.
 */
export class LoginThrottle {
  private readonly records = new Map<string, Record>();
  private readonly knownGood = new Map<string, true>();

  constructor(
    private readonly config: ThrottleConfig,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reserves one verification of `user` from `ip`, or says why and how long it is refused. */
  begin(user: string, ip: string): LoginAttempt | Throttled {
    const pair = this.record(pairKey(user, ip));
    const refused = this.refusal(pair, this.config.userMaxFailures, 'user');
    if (refused) return refused;
    const spray = this.record(ipKey(ip));
    const refusedIp = this.knownGood.has(pairKey(user, ip)) ? null : this.refusal(spray, this.config.ipMaxFailures, 'ip');
    if (refusedIp) return refusedIp;
    pair.inFlight++;
    spray.inFlight++;
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      pair.inFlight--;
      spray.inFlight--;
      outcome();
    };
    return {
      fail: () =>
        finish(() => {
          this.bump(pairKey(user, ip), pair, this.config.userMaxFailures);
          this.bump(ipKey(ip), spray, this.config.ipMaxFailures);
        }),
      succeed: () =>
        finish(() => {
          this.records.delete(pairKey(user, ip));
          this.remember(this.knownGood, pairKey(user, ip), true);
        }),
      release: () => finish(() => undefined),
    };
  }

  /** Lifts the locks of a user (from every address), of an address (for every user), of both, or all. */
  clear(filter: { user?: string; ip?: string }): number {
    let cleared = 0;
    for (const [key, record] of this.records) {
      const { user, ip } = parseKey(key);
      if (filter.user !== undefined && user !== filter.user.toLowerCase()) continue;
      if (filter.ip !== undefined && ip !== filter.ip) continue;
      if (record.blockedUntil > this.now()) cleared++;
      this.records.delete(key);
    }
    return cleared;
  }

  /** The locks in force now, longest first. */
  locks(): LoginLock[] {
    const now = this.now();
    return [...this.records]
      .filter(([, record]) => record.blockedUntil > now)
      .map(([key, record]) => ({ ...parseKey(key), failures: record.failures, retryAfterSeconds: Math.ceil((record.blockedUntil - now) / 1000) }))
      .sort((a, b) => b.retryAfterSeconds - a.retryAfterSeconds);
  }

  private refusal(record: Record, maxFailures: number, scope: Throttled['scope']): Throttled | null {
    const now = this.now();
    if (record.blockedUntil > now) return { scope, retryAfterMs: record.blockedUntil - now, busy: false };
    // Past a lock, one probe at a time; before it, failures and running verifications share the allowance.
    const full = record.failures >= maxFailures ? record.inFlight > 0 : record.failures + record.inFlight >= maxFailures;
    return full ? { scope, retryAfterMs: 1000, busy: true } : null;
  }

  /** The live record of a key (a fresh one when its window has passed), kept in the map. */
  private record(key: string): Record {
    const now = this.now();
    let record = this.records.get(key);
    if (!record) {
      record = { failures: 0, firstFailureAt: now, blockedUntil: 0, inFlight: 0 };
      this.remember(this.records, key, record);
    } else if (record.blockedUntil <= now && now - record.firstFailureAt > this.config.windowSeconds * 1000) {
      record.failures = 0;
      record.firstFailureAt = now;
    }
    return record;
  }

  private bump(key: string, record: Record, maxFailures: number): void {
    const now = this.now();
    if (record.failures === 0) record.firstFailureAt = now;
    record.failures++;
    if (record.failures >= maxFailures) {
      const delayMs = Math.min(this.config.baseDelaySeconds * 1000 * 2 ** (record.failures - maxFailures), this.config.maxDelaySeconds * 1000);
      record.blockedUntil = now + delayMs;
    }
    this.remember(this.records, key, record);
  }

  /** Most recently used last; the oldest go first when the map is full. */
  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.delete(key);
    map.set(key, value);
    while (map.size > this.maxKeys) map.delete(map.keys().next().value!);
  }
}

function pairKey(user: string, ip: string): string {
  return `pair:${ip}\0${user.toLowerCase()}`;
}

function ipKey(ip: string): string {
  return `ip:${ip}`;
}

function parseKey(key: string): { user: string | null; ip: string } {
  if (key.startsWith('ip:')) return { user: null, ip: key.slice(3) };
  const [ip, user] = key.slice('pair:'.length).split('\0') as [string, string];
  return { user, ip };
}
