import { compareSemver, isValidSemver } from '#gomod';

/** One OSV `ranges[].events[]` entry of a SEMVER range (Go vulndb versions have no "v"). */
export interface RangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** Affected versions `lo <= v < hi` (or `<= hi` when `hiInclusive`); no `lo`: from the first version, no `hi`: no end. */
export interface AffectedInterval {
  lo?: string;
  hi?: string;
  hiInclusive?: boolean;
}

/** A SEMVER range whose events do not make sense (bad version, several kinds in one event). */
export class BadRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRangeError';
  }
}

/**
 * The Go vulnerability database's version string as a Go version: `1.2.3` -> `v1.2.3`; `0` (the
 * "since the beginning" of `introduced`) -> undefined. Throws BadRangeError on anything else.
 */
export function goVersion(osv: string): string | undefined {
  if (osv === '0') return undefined;
  const version = osv.startsWith('v') ? osv : `v${osv}`;
  if (!/^v\d+\.\d+\.\d+/.test(version) || !isValidSemver(version)) throw new BadRangeError(`${JSON.stringify(osv)} is not a semantic version`);
  return version;
}

/**
 * The intervals of one SEMVER range, per the OSV evaluation rules: events sorted by version,
 * `introduced` opens an interval, `fixed` closes it (excluded), `last_affected` closes it
 * (included), and `limit` cuts every interval off at that version.
 */
export function compileRange(events: readonly RangeEvent[]): AffectedInterval[] {
  const parsed = events.map((event) => {
    const kinds = (['introduced', 'fixed', 'last_affected', 'limit'] as const).filter((k) => event[k] !== undefined);
    if (kinds.length !== 1) throw new BadRangeError('each range event must have exactly one of introduced, fixed, last_affected, limit');
    const kind = kinds[0]!;
    const raw = event[kind]!;
    if (typeof raw !== 'string') throw new BadRangeError(`${kind} must be a string`);
    const version = goVersion(raw);
    if (version === undefined && kind !== 'introduced') throw new BadRangeError(`${kind} cannot be "0"`);
    return { kind, version };
  });
  const limits = parsed.filter((e) => e.kind === 'limit').map((e) => e.version!);
  const ordered = parsed.filter((e) => e.kind !== 'limit').sort((a, b) => order(a.version, b.version));
  const intervals: AffectedInterval[] = [];
  let open: { lo?: string } | undefined;
  for (const event of ordered) {
    if (event.kind === 'introduced') {
      open ??= event.version === undefined ? {} : { lo: event.version };
    } else if (open) {
      intervals.push({ ...open, hi: event.version, ...(event.kind === 'last_affected' ? { hiInclusive: true } : {}) });
      open = undefined;
    }
  }
  if (open) intervals.push(open);
  if (limits.length === 0) return intervals;
  const limit = limits.sort(compareSemver)[0]!;
  return intervals.flatMap((interval) => {
    if (interval.lo !== undefined && compareSemver(interval.lo, limit) >= 0) return [];
    if (interval.hi === undefined || compareSemver(interval.hi, limit) > 0 || (interval.hiInclusive && compareSemver(interval.hi, limit) === 0)) {
      return [{ ...(interval.lo !== undefined ? { lo: interval.lo } : {}), hi: limit }];
    }
    return [interval];
  });
}

/** Whether `version` (a canonical Go version, pseudo-versions included) falls in any interval. */
export function inIntervals(intervals: readonly AffectedInterval[], version: string): boolean {
  for (const { lo, hi, hiInclusive } of intervals) {
    if (lo !== undefined && compareSemver(version, lo) < 0) continue;
    if (hi === undefined) return true;
    const c = compareSemver(version, hi);
    if (c < 0 || (c === 0 && hiInclusive)) return true;
  }
  return false;
}

/** The lowest version above `version` that ends an interval containing it with a fix, or null. */
export function firstFixedAbove(intervals: readonly AffectedInterval[], version: string): string | null {
  let best: string | null = null;
  for (const { hi, hiInclusive } of intervals) {
    if (hi === undefined || hiInclusive || compareSemver(hi, version) <= 0) continue;
    if (best === null || compareSemver(hi, best) < 0) best = hi;
  }
  return best;
}

function order(a: string | undefined, b: string | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return compareSemver(a, b);
}
