/**
 * Domain errors of the GOPROXY side. One global filter maps them to HTTP; the go command prints
 * the text/plain body, so each message is one useful line.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = new.target.name;
  }
}

/** The request itself is malformed (bad escaping, bad path, unknown endpoint form). */
export class InvalidInputError extends DomainError {
  readonly status = 400;
}

/** The module or version does not exist (the go command falls through to its next proxy). */
export class NotFoundError extends DomainError {
  readonly status = 404;
}

/** The version exists but is refused (invalid content); the go command also falls through on 410. */
export class GoneError extends DomainError {
  readonly status = 410;
}

/** The origin (upstream proxy, checksum database) failed or answered nonsense. */
export class UpstreamError extends DomainError {
  readonly status = 502;
}

/** A dependency of modgate itself (database, blob store) is unavailable. */
export class UnavailableError extends DomainError {
  readonly status = 503;
}
