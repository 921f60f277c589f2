import type { InitialAdmin } from '#auth';
import type { ModgateConfig } from '#config';
import { OriginMatcher } from '#vcs';

/** The lines a newcomer pastes to use this server. */
export function startBanner(config: ModgateConfig, url: string): string {
  const lines = [
    `modgate is serving on ${url}`,
    `  database: ${databaseLine(config.database)}`,
    `  storage:  ${config.storage.driver === 's3' ? `S3 bucket ${config.storage.bucket}` : `filesystem ${config.storage.root}`}`,
    `  upstream: ${config.upstream.length ? config.upstream.map((e) => e.url).join(', ') : 'off (cached modules only)'}`,
    '',
    'Point the go command at it:',
    `  go env -w GOPROXY=${url}`,
  ];
  const patterns = privatePatterns(config);
  if (patterns.length > 0) lines.push(`  go env -w GONOSUMDB=${patterns.join(',')}`);
  if (config.sumdb.length === 0) lines.push('  go env -w GOSUMDB=off   # MODGATE_SUMDB=off: no checksum database is passed through');
  lines.push('', ...authBanner(config, url));
  if (!config.audit.enabled) lines.push('!!! MODGATE_AUDIT=off: THE AUDIT LOG IS OFF. Pulls are not recorded; for benchmarks only.');
  return lines.join('\n');
}

function databaseLine(database: ModgateConfig['database']): string {
  if (database.kind === 'postgres') return 'Postgres (DATABASE_URL)';
  return `embedded ${database.kind === 'pglite' ? 'PGlite' : 'Postgres'} in ${database.dir}`;
}

/** How to authenticate: for everything, for all but pulls (a try-out), or the loud warning that nobody has to (MODGATE_AUTH=off). */
function authBanner(config: ModgateConfig, url: string): string[] {
  if (config.auth.mode === 'off') {
    return [
      '!!! MODGATE_AUTH=off: AUTHENTICATION IS DISABLED. Every request is anonymous and allowed (deny rules still apply).',
      '!!! Accepted only because this listener is loopback without TLS; never use it for anything but a local try-out or a benchmark.',
    ];
  }
  if (config.auth.anonymousPulls) {
    return [
      'Module pulls need no credentials: this is a local try-out (loopback listener, no TLS, no config file, embedded database).',
      `They are audited as the user "anonymous" from this machine. The admin API and ${url}/admin need the admin user's credentials.`,
      'A real deployment (TLS, DATABASE_URL, MODGATE_CONFIG, another listener, or MODGATE_AUTH=on) requires credentials for everything.',
    ];
  }
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const lines = [
    `Every request needs credentials (${config.auth.ldap ? `LDAP ${config.auth.ldap.url}, ` : ''}local users or tokens). Put them in ~/.netrc:`,
    `  machine ${host} login <user> password <password or token>`,
  ];
  if (!config.tls) lines.push('  (the go command sends .netrc credentials only over HTTPS: set MODGATE_TLS_CERT and MODGATE_TLS_KEY)');
  return lines;
}

/** The bootstrap admin's credentials, shown once on the start that created it. */
export function initialAdminBanner(admin: InitialAdmin | undefined): string {
  if (!admin) return '';
  if (!admin.password) return `\nCreated the admin user "${admin.name}" with the password in MODGATE_INITIAL_ADMIN_PASSWORD.\n`;
  return [
    '',
    `Created the admin user "${admin.name}". Its password is shown this once; store it now:`,
    `  ${admin.password}`,
    'Create tokens with it (POST /api/tokens) and add users or LDAP group bindings; see README "Authentication".',
    '',
  ].join('\n');
}

/** Module path prefixes of the private origins, in GONOSUMDB/GOPRIVATE syntax. */
function privatePatterns(config: ModgateConfig): string[] {
  return new OriginMatcher(config.origins).privatePatterns();
}
