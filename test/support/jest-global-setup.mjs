import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One directory per jest run for fixtures built once and copied by each suite (test/support/run-fixtures.ts). */
export default async function globalSetup() {
  process.env.MODGATE_TEST_RUN_FIXTURES = await mkdtemp(join(tmpdir(), 'modgate-run-fixtures-'));
}
