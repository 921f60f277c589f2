/**
 * Cache-Control of GOPROXY answers. Versions are immutable, so their artifacts may be kept for a
 * year; lists and @latest change when tags are pushed. `private`: answers depend on who asks once
 * access control is on, so shared caches must not store them.
 */
export const CACHE_IMMUTABLE = 'private, max-age=31536000, immutable';

export function cacheControlForIndex(ttlSeconds: number): string {
  return `private, max-age=${ttlSeconds}`;
}

/** Query answers (`@v/master.info`) and errors are not to be reused. */
export const CACHE_NONE = 'no-store';
