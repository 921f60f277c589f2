import { GoModError } from '../errors.js';

/**
 * The module or version does not exist in the repository: an unknown revision, no tag for a
 * version, no go.mod where the module should be (findDir), no commits at all. A GOPROXY server
 * answers 404 (the go command falls back to its next proxy and prints the body).
 */
export class VersionNotFoundError extends GoModError {
  readonly notFound = true;
}

/**
 * True for errors that mean "this module or version does not exist" ({@link VersionNotFoundError}).
 * Every other GoModError from a CodeRepo means the version exists but is refused (answer 410).
 */
export function isVersionNotFound(err: unknown): err is VersionNotFoundError {
  return err instanceof VersionNotFoundError;
}

/** x/mod module.ModuleError around an InvalidVersionError: `M@v: invalid version: reason`. */
export function invalidVersion(modulePath: string, version: string, reason: string): GoModError {
  return new GoModError(`${modulePath}@${version}: invalid version: ${reason}`);
}

/** {@link invalidVersion} for a version that does not exist. */
export function versionNotFound(modulePath: string, version: string, reason: string): VersionNotFoundError {
  return new VersionNotFoundError(`${modulePath}@${version}: invalid version: ${reason}`);
}

/** The same wrapping for a pseudo-version (`M@v: invalid pseudo-version: reason`). */
export function invalidPseudoVersion(modulePath: string, version: string, reason: string): GoModError {
  return new GoModError(`${modulePath}@${version}: invalid pseudo-version: ${reason}`);
}

/**
 * A failure about a revision (`unknown revision x`, a go.mod layout that does not fit M), worded
 * without the module prefix; callers wrap it as {@link invalidVersion} or {@link versionNotFound},
 * keeping `notFound`.
 */
export class RevisionError extends GoModError {
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}
