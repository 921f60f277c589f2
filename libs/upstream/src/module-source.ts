/** A version's identity as a GOPROXY .info / @latest answers it. */
export interface VersionInfo {
  Version: string;
  Time?: string;
}

/**
 * Where module content comes from on a cache miss: the public upstream chain now, private git
 * origins later. Paths and versions are unescaped and already validated.
 */
export interface ModuleSource {
  readonly kind: 'upstream' | 'private';
  /** Raw `@v/list` lines. */
  list(modulePath: string): Promise<string[]>;
  latest(modulePath: string): Promise<{ raw: Buffer; info: VersionInfo }>;
  /** The `.info` body for a canonical version or any query the origin resolves. */
  info(modulePath: string, query: string): Promise<{ raw: Buffer; info: VersionInfo }>;
  mod(modulePath: string, version: string): Promise<Buffer>;
  /** Writes the `.zip` to `file`; resolves with its size. */
  zipToFile(modulePath: string, version: string, file: string): Promise<number>;
}
