import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.js';

describe('startEmbeddedPostgres', () => {
  it('refuses a cluster made by another Postgres major version, naming both, before starting anything', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'modgate-embedded-'));
    chmodSync(parent, 0o711);
    const dir = join(parent, 'postgres');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    await expect(startEmbeddedPostgres({ dir, log: () => undefined })).rejects.toThrow(`${dir} holds a Postgres 17 cluster, and this modgate ships Postgres 18`);
  });
});
