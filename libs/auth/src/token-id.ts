import { randomBytes } from 'node:crypto';

/** A token id: 16 random bytes as 22 base64url characters. */
export const TOKEN_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * A new token id that does not start with `-`, so that `modgate token revoke <id>` and other
 * command lines never read it as a flag (1 id in 64 would).
 */
export function newTokenId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
