import { InvalidBlobKeyError } from './blob-store.js';

const MAX_KEY_BYTES = 1024;
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cs}\\]/u;

/**
 * Throws InvalidBlobKeyError unless `key` is a clean relative path: non-empty, at most 1024 UTF-8
 * bytes, `/`-separated segments that are neither empty nor `.`/`..`, and no backslash, control
 * character or lone surrogate.
 */
export function assertValidKey(key: string): void {
  if (
    typeof key !== 'string' ||
    key === '' ||
    Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES ||
    FORBIDDEN_CHARACTER.test(key) ||
    key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new InvalidBlobKeyError(key);
  }
}
