import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { promisify } from 'node:util';
import { ApiClient, ApiError, CliError, UsageError } from './api-client.js';
import type { CliOutput } from './audit.command.js';
import { parseFlags } from './cli-flags.js';
import { netrcEntryFor, netrcHost, removeNetrcEntry, setNetrcEntry } from './netrc.js';
import { netrcPath, readNetrcFile, writeNetrcFile } from './netrc-file.js';
import { promptLine, readStdinLine } from './tty-prompt.js';

export const LOGIN_USAGE = `usage: modgate login <url> [--user NAME] [--password-stdin | --token-stdin] [--name NAME] [--days N] [--print]

Sets up this machine's go command for the modgate server at <url> (https://...):
  1. asks for your user name and password (LDAP or local; the password is not shown),
  2. creates a personal read token named after this machine (--name: another name; logging in
     again replaces it),
  3. writes "machine <host> login <user> password <token>" to ~/.netrc (NETRC names another
     file; mode 0600; every other entry stays as it was),
  4. runs go env -w GOPROXY=<url> GONOSUMDB=<the server's private module prefixes>
     (--print: only prints that command).

  --user NAME        the user name (else asked, defaulting to your login name)
  --password-stdin   read the password from stdin instead of the terminal (needs --user)
  --token-stdin      CI: read an existing token from stdin and write it to .netrc as it is,
                     with the token's owner as the login; no token is created
  --days N           the new token's lifetime (default: the server's)

environment: NETRC, NODE_EXTRA_CA_CERTS (a private CA)`;

export const LOGOUT_USAGE = `usage: modgate logout [<url>]

Revokes the token in this machine's .netrc entry for the server (default: the host of
go env GOPROXY) and removes the entry; every other entry stays as it was. GOPROXY and
GONOSUMDB are left as they are (go env -u GOPROXY GONOSUMDB resets them).`;

interface TokenInfo {
  id: string;
  name: string;
  owner: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface ClientConfig {
  privateModules: string[];
  checksumDatabases: string[];
}

interface Whoami {
  kind: 'user' | 'token' | 'anonymous';
  name: string;
  user?: string;
  tokenId?: string;
}

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };
const run = promisify(execFile);

/** `modgate login <url>` */
export async function loginCommand(args: string[], io: CliOutput = STD): Promise<number> {
  const { flags, positional } = parseFlags(args, ['user', 'name', 'days'], ['password-stdin', 'token-stdin', 'print']);
  if (positional.length !== 1) throw new UsageError('expected the server URL, e.g. https://modgate.corp.example');
  const url = serverUrl(positional[0]!);
  if (flags.has('token-stdin') && (flags.has('password-stdin') || flags.has('user') || flags.has('name') || flags.has('days'))) {
    throw new UsageError('--token-stdin takes no --user, --password-stdin, --name or --days: the token exists already');
  }
  if (flags.has('password-stdin') && !flags.has('user')) throw new UsageError('--password-stdin needs --user');
  const days = flags.has('days') ? Number(flags.get('days')) : undefined;
  if (days !== undefined && !(days > 0)) throw new UsageError('--days must be a positive number');

  const host = netrcHost(url);
  let login: string;
  let token: string;
  if (flags.has('token-stdin')) {
    token = await readStdinLine();
    if (!token) throw new CliError('no token on stdin');
    const me: Whoami = await new ApiClient(url, token).request('GET', '/api/whoami');
    login = me.user ?? me.name;
    io.stdout.write(`Token of ${login} checked with ${url}.\n`);
  } else {
    const user = flags.get('user') ?? (await askUser(host));
    const password = flags.has('password-stdin') ? await readStdinLine() : await promptLine(`Password for ${user} at ${host}: `, { echo: false });
    if (!password) throw new CliError('no password given');
    const created = await createMachineToken(new ApiClient(url, { user, password }), flags.get('name') ?? machineTokenName(), days, io);
    ({ token } = created);
    login = created.owner;
    io.stdout.write(`Logged in to ${url} as ${login}: token "${created.name}" (id ${created.id}, expires ${created.expiresAt.slice(0, 10)}).\n`);
  }

  const client: ClientConfig = await new ApiClient(url, token).request('GET', '/api/client-config');
  const file = netrcPath();
  await writeNetrcFile(file, setNetrcEntry(await readNetrcFile(file), host, login, token));
  io.stdout.write(`Wrote the entry for ${host} to ${file}.\n`);
  return goEnvWrite(goSettings(url, client), flags.has('print'), io);
}

/** `modgate logout [<url>]` */
export async function logoutCommand(args: string[], io: CliOutput = STD): Promise<number> {
  const { positional } = parseFlags(args, []);
  if (positional.length > 1) throw new UsageError('expected at most the server URL');
  const url = positional[0] !== undefined ? serverUrl(positional[0]) : await goproxyUrl();
  const host = netrcHost(url);
  const file = netrcPath();
  const text = await readNetrcFile(file);
  const entry = netrcEntryFor(text, host);
  const { text: rest, removed } = removeNetrcEntry(text, host);
  if (!removed || !entry) throw new CliError(`${file} has no entry for ${host}: not logged in`);

  let status = 0;
  const api = new ApiClient(url, entry.password);
  try {
    const me: Whoami = await api.request('GET', '/api/whoami');
    if (me.kind === 'token' && me.tokenId) {
      await api.request('DELETE', `/api/tokens/${encodeURIComponent(me.tokenId)}`);
      io.stdout.write(`Revoked the token "${me.name}" of ${me.user ?? me.name}.\n`);
    } else {
      io.stdout.write(`The entry for ${host} held a password, not a token: nothing to revoke.\n`);
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      io.stdout.write(`The token for ${host} was no longer valid: nothing to revoke.\n`);
    } else {
      io.stderr.write(`modgate logout: could not revoke the token, it stays valid until it expires or an admin revokes it: ${(err as Error).message}\n`);
      status = 1;
    }
  }
  await writeNetrcFile(file, rest);
  io.stdout.write(`Removed the entry for ${host} from ${file}.\n`);
  return status;
}

/** The server's base URL; only https, since the go command sends .netrc credentials over HTTPS only. */
function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`${text}: use https; the go command sends .netrc credentials only over HTTPS`);
  if (url.username || url.password || url.search || url.hash) throw new UsageError(`${text}: no credentials, query or fragment in the URL`);
  return url.href.replace(/\/+$/, '');
}

/** The first proxy of `go env GOPROXY`, for `logout` without a URL. */
async function goproxyUrl(): Promise<string> {
  let value: string;
  try {
    value = (await run('go', ['env', 'GOPROXY'])).stdout.trim();
  } catch (err) {
    throw new CliError(`cannot read go env GOPROXY (${(err as Error).message.split('\n')[0]}): name the server, modgate logout <url>`);
  }
  const first = value.split(/[,|]/)[0] ?? '';
  if (!first.startsWith('https://')) throw new CliError(`go env GOPROXY is ${JSON.stringify(value)}: name the server, modgate logout <url>`);
  return serverUrl(first);
}

async function askUser(host: string): Promise<string> {
  const fallback = process.env.USER || process.env.LOGNAME || userInfo().username;
  const answer = (await promptLine(`User name at ${host} [${fallback}]: `, { echo: true })).trim();
  return answer || fallback;
}

/** This machine's token name: its host name as a token name allows (letters, digits, `.`, `_`, `-`). */
export function machineTokenName(name = hostname()): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return cleaned || 'machine';
}

/** Creates the personal read token; an active one of the same name (an earlier login here) is revoked first. */
async function createMachineToken(api: ApiClient, name: string, days: number | undefined, io: CliOutput): Promise<TokenInfo & { token: string }> {
  const body = { name, scopes: ['read'], ...(days === undefined ? {} : { expiresInDays: days }) };
  try {
    return await api.request('POST', '/api/tokens', body);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err;
  }
  const mine: TokenInfo[] = await api.request('GET', '/api/tokens');
  for (const old of mine.filter((t) => t.name === name && t.revokedAt === null)) {
    await api.request('DELETE', `/api/tokens/${encodeURIComponent(old.id)}`);
    io.stdout.write(`Revoked the token "${name}" of an earlier login (id ${old.id}).\n`);
  }
  return api.request('POST', '/api/tokens', body);
}

/** The `go env -w` settings for this server. */
function goSettings(url: string, client: ClientConfig): string[] {
  const settings = [`GOPROXY=${url}`];
  if (client.privateModules.length > 0) settings.push(`GONOSUMDB=${client.privateModules.join(',')}`);
  // The server passes no checksum database through: the go command could not verify anything.
  if (client.checksumDatabases.length === 0) settings.push('GOSUMDB=off');
  return settings;
}

async function goEnvWrite(settings: string[], printOnly: boolean, io: CliOutput): Promise<number> {
  const command = `go env -w ${settings.join(' ')}`;
  if (printOnly) {
    io.stdout.write(`Run this to point the go command at it:\n  ${command}\n`);
    return 0;
  }
  try {
    const { stderr } = await run('go', ['env', '-w', ...settings]);
    if (stderr) io.stderr.write(stderr);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    io.stderr.write(`modgate login: ${e.code === 'ENOENT' ? 'go is not on PATH' : (e.stderr ?? e.message).trim()}; run it yourself:\n  ${command}\n`);
    return 1;
  }
  io.stdout.write(`Set: ${command}\n`);
  return 0;
}
