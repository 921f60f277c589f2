import { UpstreamFailedError, UpstreamNotFoundError } from '#upstream';
import { GoneError, NotFoundError, UpstreamError } from './errors.js';

/** Runs an origin call, turning origin failures into the domain errors the client sees. */
export async function fromSource<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toDomainError(what, err);
  }
}

export function toDomainError(what: string, err: unknown): unknown {
  if (err instanceof UpstreamNotFoundError) {
    // Errors from git already name `module@version`; don't say it twice.
    const message = err.message.startsWith(`${what.split(' ')[0]}`) ? err.message : `${what}: ${err.message}`;
    return err.status === 410 ? new GoneError(message) : new NotFoundError(message);
  }
  if (err instanceof UpstreamFailedError) return new UpstreamError(`${what}: origin failed: ${err.message}`);
  return err;
}
