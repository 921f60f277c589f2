#!/usr/bin/env node
import { ApiClient, CliError, UsageError } from './api-client.js';
import { AUDIT_USAGE } from './audit.command.js';
import { DOCTOR_USAGE } from './doctor-usage.js';
import { LOGIN_USAGE, LOGOUT_USAGE } from './login.command.js';
import { POLICY_USAGE } from './policy.command.js';
import { SERVE_USAGE } from './serve.command.js';
import { SYNC_USAGE } from './sync.command.js';
import { TOKEN_USAGE } from './token.command.js';
import { UNLOCK_USAGE } from './unlock.command.js';
import { VULN_USAGE } from './vuln.command.js';
import { WARM_USAGE } from './warm-usage.js';

const USAGE = `usage: modgate <command> [arguments]       (modgate <command> --help: its usage)

commands:
  login <url>                   set up this machine's go command: a personal token in ~/.netrc, GOPROXY and GONOSUMDB
  logout [<url>]                revoke that token and remove its .netrc entry
  serve                         start the server (as npm start does)
  doctor                        check the configuration, database, storage, LDAP, upstreams, git origins and TLS
  warm -f go.mod | <module>@<version>...   pre-fetch a project's whole dependency graph through modgate
  policy check <user> <module>@<version> [--groups a,b]   which rule allows or denies it (exit 3 when denied)
  sync <module or repository>   fetch a private repository now, refresh its versions and pre-build new ones
  audit query [filters]         audit events (who pulled what, when, from where, with what result)
  audit export --format csv|ndjson [--out FILE] [filters]   every matching event, with a progress bar
  audit verify                  check the audit log's hash chain (exit status 1 if broken)
  audit who-pulled <module>@<version>, audit summary   (modgate audit help: all filters)
  audit exposure <GO-id>        who pulled a version a known vulnerability affects, also before it was published
  vuln import <dir|zip> | --feed   import the Go vulnerability database (air-gapped: an export), vuln status
  token create <name> [--scopes read,admin] [--days N] [--modules GLOBS] [--owner NAME]
  token list [--all] [--revoked], token revoke <id>
  unlock <user> [--ip ADDRESS] | --ip ADDRESS | --all | --list   lift failed-login locks

environment:
  MODGATE_URL     the server, e.g. https://modgate.corp.example
  MODGATE_TOKEN   a token (Bearer): an admin token for policy, sync, audit and token; any read token for warm
                  (warm falls back to the .netrc entry for the server's host)
  NODE_EXTRA_CA_CERTS  a CA bundle, when the server's certificate is from a private CA
  serve and doctor read the server's configuration: MODGATE_*, DATABASE_URL, MODGATE_CONFIG (see README)

exit status: 0 ok, 1 failed, 2 bad command line, 3 denied (policy check)
`;

/** What a command resolves to: an exit status, or `serving` (the server keeps the process alive). */
type Outcome = number | void | 'serving';

interface Command {
  usage: string;
  run(args: string[]): Promise<Outcome>;
}

// Loaded when used, so `modgate --help` does not load the database and storage drivers.
const commands: Record<string, Command> = {
  login: { usage: LOGIN_USAGE, run: async (args) => (await import('./login.command.js')).loginCommand(args) },
  logout: { usage: LOGOUT_USAGE, run: async (args) => (await import('./login.command.js')).logoutCommand(args) },
  serve: { usage: SERVE_USAGE, run: async (args) => ((await (await import('./serve.command.js')).serveCommand(args)), 'serving') },
  doctor: { usage: DOCTOR_USAGE, run: async (args) => (await import('./doctor.command.js')).doctorCommand(args) },
  warm: { usage: WARM_USAGE, run: async (args) => (await import('./warm.command.js')).warmCommand(args) },
  policy: { usage: POLICY_USAGE, run: async (args) => (await import('./policy.command.js')).policyCommand(ApiClient.fromEnv(), args) },
  sync: { usage: SYNC_USAGE, run: async (args) => (await import('./sync.command.js')).syncCommand(ApiClient.fromEnv(), args) },
  audit: { usage: AUDIT_USAGE, run: async (args) => (await import('./audit.command.js')).auditCommand(ApiClient.fromEnv(), args) },
  token: { usage: TOKEN_USAGE, run: async (args) => (await import('./token.command.js')).tokenCommand(ApiClient.fromEnv(), args) },
  vuln: { usage: VULN_USAGE, run: async (args) => (await import('./vuln.command.js')).vulnCommand(ApiClient.fromEnv(), args) },
  unlock: { usage: UNLOCK_USAGE, run: async (args) => (await import('./unlock.command.js')).unlockCommand(ApiClient.fromEnv(), args) },
};

const isHelp = (arg: string | undefined) => arg === 'help' || arg === '--help' || arg === '-h';

async function main(argv: string[]): Promise<Outcome> {
  const [name, ...args] = argv;
  if (!name) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (isHelp(name)) {
    const topic = args[0] === undefined ? undefined : commands[args[0]];
    process.stdout.write(topic ? `${topic.usage}\n` : USAGE);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`modgate: unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  // `modgate token help`, `modgate audit query --help`, `modgate warm -h`: the command's usage.
  if (isHelp(args[0]) || args.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`modgate ${name}: ${err.message}\n${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (outcome) => {
    if (outcome !== 'serving') process.exit(outcome ?? 0);
  },
  (err: unknown) => {
    process.stderr.write(`modgate: ${err instanceof CliError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
