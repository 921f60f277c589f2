#!/usr/bin/env node
import { ApiClient, CliError } from './api-client.js';
import { auditCommand } from './audit.command.js';
import { syncCommand } from './sync.command.js';
import { tokenCommand } from './token.command.js';

const USAGE = `usage: modgate <command> [arguments]

commands:
  sync <module or repository>   fetch a private repository now, refresh its versions and pre-build new ones
  audit query [filters]         audit events (who pulled what, when, from where, with what result)
  audit export --format csv|ndjson [--out FILE] [filters]   every matching event, with a progress bar
  audit verify                  check the audit log's hash chain (exit status 1 if broken)
  audit who-pulled <module>@<version>, audit summary   (modgate audit help: all filters)
  token create <name> [--scopes read,admin] [--days N] [--modules GLOBS] [--owner NAME]
  token list [--all] [--revoked], token revoke <id>

environment:
  MODGATE_URL     the server, e.g. https://modgate.corp.example
  MODGATE_TOKEN   an admin token (Bearer)
  NODE_EXTRA_CA_CERTS  a CA bundle, when the server's certificate is from a private CA
`;

const commands: Record<string, (api: ApiClient, args: string[]) => Promise<void>> = {
  sync: syncCommand,
  audit: auditCommand,
  token: tokenCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`modgate: unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  await command(ApiClient.fromEnv(), args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`modgate: ${err instanceof CliError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
