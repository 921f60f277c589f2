// Writes docs/openapi.json: the admin API's OpenAPI document, as the server serves it at
// /api/docs/openapi.json. Builds the application from dist/ (npm run openapi compiles first)
// without listening, on a throwaway PGlite database; nothing is downloaded.
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { loadConfig } from '#config';
import { createLogger } from '#logging';
import { createApp } from '../dist/apps/modgate/src/bootstrap.js';
import { buildOpenApiDocument, openApiJson } from '../dist/apps/modgate/src/docs/openapi-document.js';

const out = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'modgate-openapi-'));
try {
  const config = loadConfig({ MODGATE_DATA_DIR: dataDir, MODGATE_EMBEDDED_DB: 'pglite', MODGATE_UPSTREAM: 'off', MODGATE_SUMDB: 'off', MODGATE_LOG_LEVEL: 'warn' });
  const app = await createApp(config, createLogger(config.log));
  writeFileSync(out, openApiJson(buildOpenApiDocument(app)));
  await app.close();
  process.stdout.write(`wrote ${out}\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
