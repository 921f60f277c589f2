import type { ApiClient } from './api-client.js';
import { UsageError } from './api-client.js';
import type { CliOutput } from './audit.command.js';
import { parseFlags } from './cli-flags.js';

export const UNLOCK_USAGE = `usage:
  modgate unlock <user> [--ip ADDRESS]   lift the failed-login locks of a user (from every address, or one)
  modgate unlock --ip ADDRESS            lift the locks of an address (every user)
  modgate unlock --all                   lift every lock
  modgate unlock --list                  the locks in force (on the replica that answers)`;

interface LoginLock {
  user: string | null;
  ip: string;
  failures: number;
  retryAfterSeconds: number;
}

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** `modgate unlock`: the `/api/auth/locks` and `/api/auth/unlock` admin API from the shell. */
export async function unlockCommand(api: ApiClient, args: string[], io: CliOutput = STD): Promise<void> {
  const { flags, positional } = parseFlags(args, ['ip'], ['all', 'list']);
  if (positional.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positional[1])}`);
  if (flags.has('list')) {
    if (positional.length > 0 || flags.size > 1) throw new UsageError('--list takes no other argument');
    const locks: LoginLock[] = await api.request('GET', '/api/auth/locks');
    io.stdout.write(`${['USER', 'IP', 'FAILURES', 'SECONDS LEFT'].join('\t')}\n`);
    for (const lock of locks) io.stdout.write(`${[lock.user ?? '*', lock.ip, lock.failures, lock.retryAfterSeconds].join('\t')}\n`);
    return;
  }
  const body = { user: positional[0], ip: flags.get('ip'), all: flags.has('all') ? true : undefined };
  if (body.all && (body.user !== undefined || body.ip !== undefined)) throw new UsageError('--all takes no user or address');
  if (!body.all && body.user === undefined && body.ip === undefined) throw new UsageError('name a user, --ip ADDRESS or --all');
  const { cleared }: { cleared: number } = await api.request('POST', '/api/auth/unlock', body);
  const what = body.all ? 'every lock' : [body.user && `user ${body.user}`, body.ip && `address ${body.ip}`].filter(Boolean).join(' from ');
  io.stdout.write(`unlocked ${what} on every replica (${cleared} lock(s) lifted on the one that answered)\n`);
}
