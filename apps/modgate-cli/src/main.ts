#!/usr/bin/env node
import { ApiClient, CliError } from './api-client.js';
import { syncCommand } from './sync.command.js';

const USAGE = `usage: modgate <command> [arguments]

commands:
  sync <module or repository>   fetch a private repository now, refresh its versions and pre-build new ones

environment:
  MODGATE_URL     the server, e.g. https://modgate.corp.example
  MODGATE_TOKEN   an admin token (Bearer)
  NODE_EXTRA_CA_CERTS  a CA bundle, when the server's certificate is from a private CA
`;

const commands: Record<string, (api: ApiClient, args: string[]) => Promise<void>> = {
  sync: syncCommand,
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
