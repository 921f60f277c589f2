import { UsageError } from './api-client.js';

export const SERVE_USAGE = `usage: modgate serve

Starts the server, exactly as \`npm start\` does after its build: configuration from the
environment and MODGATE_CONFIG (see README "Configuration"); SIGTERM or SIGINT stop it gracefully.`;

/** `modgate serve`: runs the server's own entry point (apps/modgate), which keeps the process alive. */
export async function serveCommand(args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError(`modgate serve takes no arguments (got ${JSON.stringify(args[0])}); configure it with environment variables or MODGATE_CONFIG`);
  await import('../../modgate/src/main.js');
}
