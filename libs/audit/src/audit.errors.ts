/** The audit log cannot be written: pulls are refused (fail closed) unless fail-open is configured. */
export class AuditUnavailableError extends Error {
  readonly status = 503;
  constructor(message: string) {
    super(message);
    this.name = 'AuditUnavailableError';
  }
}

/** A review request (filter, cursor, format) that is malformed; `message` names the parameter. */
export class AuditQueryError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'AuditQueryError';
  }
}
