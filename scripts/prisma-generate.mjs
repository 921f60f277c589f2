// Runs `prisma generate` offline. Every Prisma CLI command first looks for a native schema engine
// and would try to download one; generating the client does not need it, so point the CLI at a
// stub that exits 1.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const stub = join(mkdtempSync(join(tmpdir(), 'modgate-prisma-')), 'schema-engine');
writeFileSync(stub, '#!/bin/sh\nexit 1\n');
chmodSync(stub, 0o755);

const result = spawnSync('npx', ['prisma', 'generate'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_GENERATE_NO_HINTS: '1',
  },
});
if (result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.exit(result.status ?? 1);
}
