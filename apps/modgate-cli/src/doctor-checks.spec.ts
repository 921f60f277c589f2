import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#config';
import { checkDatabase } from './doctor-checks.js';

describe('checkDatabase on the embedded Postgres (no server running)', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'modgate-doctor-'));

  it('warns that a new data dir has no cluster yet', async () => {
    const dir = dataDir();
    expect(await checkDatabase(loadConfig({ MODGATE_DATA_DIR: dir }), 1000)).toEqual({
      status: 'WARN',
      name: 'database',
      detail: `embedded Postgres in ${join(dir, 'postgres')} does not exist yet; the first \`modgate serve\` creates it`,
    });
  });

  it('says a cluster that no server holds is started by `modgate serve`', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'postgres'));
    writeFileSync(join(dir, 'postgres', 'PG_VERSION'), '18\n');
    expect(await checkDatabase(loadConfig({ MODGATE_DATA_DIR: dir }), 1000)).toEqual({
      status: 'ok',
      name: 'database',
      detail: `embedded Postgres in ${join(dir, 'postgres')}, not running: \`modgate serve\` starts it and applies pending migrations`,
    });
  });
});
