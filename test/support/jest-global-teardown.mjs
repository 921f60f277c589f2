import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const dir = process.env.MODGATE_TEST_RUN_FIXTURES;
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
