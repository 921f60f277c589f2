import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#config';
import { startBanner } from './start-banner.js';

const URL = 'http://127.0.0.1:8080';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'modgate-banner-')), 'modgate.yaml');
  writeFileSync(file, text);
  return file;
}

describe('startBanner', () => {
  it('on the try-out defaults: the GOPROXY line, no empty GONOSUMDB, and pulls without credentials while the admin API needs them', () => {
    const banner = startBanner(loadConfig({}), URL);
    expect(banner).toContain(`  go env -w GOPROXY=${URL}\n`);
    expect(banner).not.toContain('GONOSUMDB');
    expect(banner).toContain('Module pulls need no credentials');
    expect(banner).toContain('audited as the user "anonymous" from this machine');
    expect(banner).toContain(`The admin API and ${URL}/admin need the admin user's credentials`);
    expect(banner).not.toContain('.netrc');
  });

  it('names the embedded database: Postgres by default, PGlite when chosen', () => {
    expect(startBanner(loadConfig({}, '/srv/modgate'), URL)).toContain('  database: embedded Postgres in /srv/modgate/data/postgres\n');
    expect(startBanner(loadConfig({ MODGATE_EMBEDDED_DB: 'pglite' }, '/srv/modgate'), URL)).toContain('  database: embedded PGlite in /srv/modgate/data/db\n');
  });

  it('with MODGATE_AUTH=on: every request needs credentials, as on a deployment', () => {
    const banner = startBanner(loadConfig({ MODGATE_AUTH: 'on' }), URL);
    expect(banner).toContain('Every request needs credentials');
    expect(banner).not.toContain('need no credentials');
  });

  it('prints GONOSUMDB with the private origins, and GOSUMDB=off without a checksum database', () => {
    const file = configFile('origins:\n  - pattern: git.corp.example/acme/*\n    url: https://git.corp.example/acme/{repo}.git\n');
    const banner = startBanner(loadConfig({ MODGATE_CONFIG: file, MODGATE_SUMDB: 'off' }), URL);
    expect(banner).toContain('  go env -w GONOSUMDB=git.corp.example/acme\n');
    expect(banner).toMatch(/ {2}go env -w GOSUMDB=off /);
    expect(banner).toContain('Every request needs credentials');
  });
});
