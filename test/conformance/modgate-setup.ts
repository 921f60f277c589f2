import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_AUTH, TEST_ADMIN_PASSWORD, createTestCa, freePort, startModgate, writeNetrc, type ModgateProcess } from '../support/index.js';
import { CONF_ORG } from './fixture-repo.js';
import { CONFORMANCE_LIST_TTL_SECONDS, type ModgateTarget } from './harness.js';

/**
 * Starts the built modgate over HTTPS serving `github.com/conf/*` from the fixture repositories
 * (`file://<reposRoot>/conf/{repo}`), with no upstream and no checksum database, its data in
 * `<workDir>/data`, reached with the bootstrap admin's credentials.
 */
export async function startConformanceModgate(
  workDir: string,
  reposRoot: string,
): Promise<{ process: ModgateProcess; target: ModgateTarget }> {
  const tls = await createTestCa(join(workDir, 'tls'));
  const configPath = join(workDir, 'modgate.yaml');
  await writeFile(
    configPath,
    [
      'origins:',
      `  - pattern: ${JSON.stringify(`github.com/${CONF_ORG}/*`)}`,
      `    url: ${JSON.stringify(`file://${reposRoot}/${CONF_ORG}/{repo}`)}`,
      '',
    ].join('\n'),
  );
  const process = await startModgate({
    env: {
      MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
      MODGATE_TLS_CERT: tls.certPath,
      MODGATE_TLS_KEY: tls.keyPath,
      MODGATE_DATA_DIR: join(workDir, 'data'),
      MODGATE_UPSTREAM: 'off',
      MODGATE_SUMDB: 'off',
      MODGATE_CONFIG: configPath,
      MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      MODGATE_LIST_TTL_SECONDS: String(CONFORMANCE_LIST_TTL_SECONDS),
    },
    caCert: tls.caCertPath,
    // The embedded database applies its migrations first: slow on a busy (shared) machine.
    readyTimeoutMs: 180_000,
  });
  // The go command authenticates as a user would: the bootstrap admin's credentials in a .netrc.
  const netrc = await writeNetrc(join(workDir, 'netrc'), process.url, 'admin', TEST_ADMIN_PASSWORD);
  return { process, target: { url: process.url, caCertPath: tls.caCertPath, netrc, headers: ADMIN_AUTH } };
}
