/** A version's identity as a GOPROXY .info / @latest answers it. */
export interface VersionInfo {
  Version: string;
  Time?: string;
}

/** Bytes from an origin, with the git commit they were built from when the origin is git. */
export interface SourceBytes {
  raw: Buffer;
  commit?: string;
}

/**
 * Where module content comes from on a cache miss: the public upstream chain now, private git
 * origins later. Paths and versions are unescaped and already validated.
 */
export interface ModuleSource {
  readonly kind: 'upstream' | 'private';
  /** Raw `@v/list` lines. */
  list(modulePath: string): Promise<string[]>;
  latest(modulePath: string): Promise<SourceBytes & { info: VersionInfo }>;
  /** The `.info` body for a canonical version or any query the origin resolves. */
  info(modulePath: string, query: string): Promise<SourceBytes & { info: VersionInfo }>;
  mod(modulePath: string, version: string): Promise<SourceBytes>;
  /**
   * Writes the `.zip` to `file`; resolves with its size, and with its h1 hash when the source
   * built the zip itself (then it is not re-checked).
   */
  zipToFile(modulePath: string, version: string, file: string): Promise<{ size: number; commit?: string; h1?: string }>;
}
