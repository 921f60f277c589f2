/**
 * Errors of authentication, authorization and the admin API. The global exception filter maps them
 * to HTTP with their headers: one text/plain line on GOPROXY routes, JSON under /api/.
 */
export abstract class AuthError extends Error {
  abstract readonly status: number;
  /** Machine-readable code of the JSON error body. */
  abstract readonly code: string;
  readonly headers: Record<string, string> = {};

  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = new.target.name;
  }
}

/** The `WWW-Authenticate` challenge of every 401: the go command answers it from `.netrc`. */
export const BASIC_CHALLENGE = 'Basic realm="modgate"';

/** Missing, malformed, wrong, expired or revoked credentials. */
export class UnauthorizedError extends AuthError {
  readonly status = 401;
  readonly code = 'unauthorized';
  override readonly headers = { 'www-authenticate': BASIC_CHALLENGE };
}

/** Valid credentials that may not do this (policy, scope, deny rule). */
export class ForbiddenError extends AuthError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/** Too many failed logins for a user or from an address; `Retry-After` says when to try again. */
export class TooManyAttemptsError extends AuthError {
  readonly status = 429;
  readonly code = 'too_many_requests';
  override readonly headers: Record<string, string>;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}

/** The directory (LDAP) cannot be asked right now; cached verifications keep working. */
export class AuthUnavailableError extends AuthError {
  readonly status = 503;
  readonly code = 'unavailable';
}

/** An admin API request that is malformed (body, parameter). */
export class InvalidRequestError extends AuthError {
  readonly status = 400;
  readonly code = 'invalid_input';
}

/** An admin API object (token, user) that does not exist, or is not the caller's to see. */
export class RecordNotFoundError extends AuthError {
  readonly status = 404;
  readonly code = 'not_found';
}

/** An admin API object that already exists (an active token of the same name). */
export class ConflictError extends AuthError {
  readonly status = 409;
  readonly code = 'conflict';
}
