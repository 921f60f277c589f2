import { checkPath, escapeVersion, isCanonicalVersion, checkPathMajor, splitPathVersion, unescapePath, unescapeVersion } from '#gomod';
import { InvalidInputError, NotFoundError } from './errors.js';

export type ArtifactKind = 'info' | 'mod' | 'zip';

/** A parsed GOPROXY request. `version` of an info request may be a query (branch, hash...). */
export type ProxyRequest =
  | { endpoint: 'list'; modulePath: string }
  | { endpoint: 'latest'; modulePath: string }
  | { endpoint: 'artifact'; modulePath: string; version: string; kind: ArtifactKind };

/** Bounds well above any real module path or version, far below what could hurt. */
export const MAX_ESCAPED_PATH_BYTES = 1024;
export const MAX_ESCAPED_VERSION_BYTES = 256;

/**
 * Parses the URL path of a GOPROXY request (`<module>/@v/list`, `<module>/@latest`,
 * `<module>/@v/<version>.{info,mod,zip}`), decoding the case escaping of GOMOD-SPEC 1.6 and
 * validating module path and version. Malformed requests throw InvalidInputError (400); versions
 * that cannot exist for the module (non-canonical on .mod/.zip, wrong major) throw NotFoundError.
 */
export function parseProxyRequest(rawPath: string): ProxyRequest {
  const path = percentDecode(rawPath.split('?')[0]!).replace(/^\/+/, '');
  const at = path.indexOf('/@');
  if (at <= 0) throw new InvalidInputError(`not a GOPROXY request: ${quote(path)}`);
  const escapedModule = path.slice(0, at);
  const rest = path.slice(at + 1);
  if (escapedModule.length > MAX_ESCAPED_PATH_BYTES) throw new InvalidInputError(`module path longer than ${MAX_ESCAPED_PATH_BYTES} bytes`);
  const modulePath = decodeModulePath(escapedModule);

  if (rest === '@latest') return { endpoint: 'latest', modulePath };
  if (rest === '@v/list') return { endpoint: 'list', modulePath };
  const match = /^@v\/(.+)\.(info|mod|zip)$/.exec(rest);
  if (!match) throw new InvalidInputError(`unknown GOPROXY endpoint ${quote(rest)} for ${modulePath}`);
  const [, escapedVersion, kind] = match as unknown as [string, string, ArtifactKind];
  if (escapedVersion.length > MAX_ESCAPED_VERSION_BYTES) throw new InvalidInputError(`version longer than ${MAX_ESCAPED_VERSION_BYTES} bytes`);
  const version = decodeVersion(escapedVersion);
  if (kind !== 'info') assertServableVersion(modulePath, version);
  return { endpoint: 'artifact', modulePath, version, kind };
}

/** A canonical version that module.Check accepts for this path; otherwise the version cannot exist. */
export function assertServableVersion(modulePath: string, version: string): void {
  if (!isCanonicalVersion(version)) {
    throw new NotFoundError(`${modulePath}@${version}: version is not canonical`);
  }
  const { pathMajor } = splitPathVersion(modulePath);
  if (pathMajor !== '' && version.endsWith('+incompatible')) {
    throw new NotFoundError(`${modulePath}@${version}: +incompatible suffix not allowed: module path includes a major version suffix`);
  }
  try {
    checkPathMajor(version, pathMajor);
  } catch (err) {
    throw new NotFoundError(`${modulePath}@${version}: ${(err as Error).message}`);
  }
}

function decodeModulePath(escaped: string): string {
  let modulePath: string;
  try {
    modulePath = unescapePath(escaped);
  } catch (err) {
    throw new InvalidInputError((err as Error).message);
  }
  try {
    checkPath(modulePath);
  } catch (err) {
    throw new InvalidInputError((err as Error).message);
  }
  return modulePath;
}

function decodeVersion(escaped: string): string {
  try {
    const version = unescapeVersion(escaped);
    escapeVersion(version);
    return version;
  } catch (err) {
    throw new InvalidInputError((err as Error).message);
  }
}

/** Decodes %XX escapes; an encoded `/`, `\` or NUL, or a broken escape, is refused. */
function percentDecode(path: string): string {
  if (!path.includes('%')) return path;
  if (/%(2f|5c|00)/i.test(path)) throw new InvalidInputError('encoded "/", "\\" or NUL in request path');
  try {
    return decodeURIComponent(path);
  } catch {
    throw new InvalidInputError('malformed percent-encoding in request path');
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}...` : text);
}
