/** Every upstream in the chain answered 404 or 410 (or the chain is `off`). */
export class UpstreamNotFoundError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 410 = 404,
  ) {
    super(message);
    this.name = 'UpstreamNotFoundError';
  }
}

/** An upstream failed (network, timeout, 5xx, oversized body) and the chain did not fall through. */
export class UpstreamFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamFailedError';
  }
}
