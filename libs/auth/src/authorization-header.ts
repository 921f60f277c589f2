import { UnauthorizedError } from './auth.errors.js';

/** Credentials from an `Authorization` header. */
export type PresentedCredentials = { scheme: 'basic'; username: string; password: string } | { scheme: 'bearer'; token: string };

const MAX_HEADER_BYTES = 8192;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * Parses `Basic base64(user:password)` (what the go command sends from `.netrc`) or
 * `Bearer <token>`. Anything else — no header, another scheme, bad base64, no colon, an empty
 * user name, control characters — is UnauthorizedError. Messages never repeat the credentials.
 */
export function parseAuthorization(header: string | string[] | undefined): PresentedCredentials {
  if (header === undefined || header === '') throw new UnauthorizedError('authentication required: send a token or user name and password (.netrc over HTTPS)');
  if (Array.isArray(header) || header.length > MAX_HEADER_BYTES) throw new UnauthorizedError('malformed Authorization header');
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer') {
    if (!BEARER_TOKEN.test(value)) throw new UnauthorizedError('malformed bearer token');
    return { scheme: 'bearer', token: value };
  }
  if (scheme !== 'basic') throw new UnauthorizedError(`unsupported authorization scheme ${JSON.stringify(scheme.slice(0, 20))}: use Basic or Bearer`);
  if (value.length % 4 !== 0 || !BASE64.test(value)) throw new UnauthorizedError('malformed Basic credentials: not base64');
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new UnauthorizedError('malformed Basic credentials: expected user:password');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // eslint-disable-next-line no-control-regex
  if (username === '' || /[\u0000-\u001f\u007f\ufffd]/.test(username)) throw new UnauthorizedError('malformed Basic credentials: bad user name');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000\ufffd]/.test(password)) throw new UnauthorizedError('malformed Basic credentials: bad password');
  return { scheme: 'basic', username, password };
}

/** True for a string shaped like a JWT (a modgate token), so a Basic password is checked as a token, never sent to LDAP. */
export function looksLikeToken(secret: string): boolean {
  return JWT_SHAPE.test(secret);
}
