import { ADMIN_AUTH, startStack, type Stack } from '../support/index.js';
import { CONF_ORG } from './fixture-repo.js';
import { CONFORMANCE_LIST_TTL_SECONDS, type ModgateTarget } from './harness.js';

/**
 * Starts modgate over HTTPS serving `github.com/conf/*` from the fixture repositories
 * (`file://<reposRoot>/conf/{repo}`), with no upstream and no checksum database, reached with the
 * bootstrap admin's credentials. Its database is a Postgres cluster of its own: the suite compares
 * what the go command gets, and eight cases at once wait far less on Postgres than on the embedded one.
 */
export async function startConformanceModgate(reposRoot: string): Promise<{ stack: Stack; target: ModgateTarget }> {
  const stack = await startStack({
    name: 'conformance-modgate',
    database: 'postgres',
    config: () => ['origins:', `  - pattern: ${JSON.stringify(`github.com/${CONF_ORG}/*`)}`, `    url: ${JSON.stringify(`file://${reposRoot}/${CONF_ORG}/{repo}`)}`],
    env: { MODGATE_LIST_TTL_SECONDS: String(CONFORMANCE_LIST_TTL_SECONDS) },
    readyTimeoutMs: 180_000,
  });
  return { stack, target: { url: stack.url, caCertPath: stack.tls!.caCertPath, netrc: stack.netrc, headers: ADMIN_AUTH } };
}
