import type { ApiClient } from './api-client.js';
import { UsageError } from './api-client.js';
import { parseFlags } from './cli-flags.js';
import type { CliOutput } from './audit.command.js';

export const TOKEN_USAGE = `usage:
  modgate token create <name> [--scopes read,admin] [--days N] [--modules 'github.com/acme/*,...'] [--owner NAME]
  modgate token list [--all] [--revoked] [--owner NAME]
  modgate token revoke [--] <id>     (-- before an id that starts with "-")`;

interface TokenInfo {
  id: string;
  name: string;
  owner: string;
  scopes: string[];
  modules: string[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** `modgate token create|list|revoke`: the `/api/tokens` admin API from the shell. */
export async function tokenCommand(api: ApiClient, args: string[], io: CliOutput = STD): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { flags, positional } = parseFlags(rest, ['scopes', 'days', 'modules', 'owner']);
      if (positional.length !== 1) throw new UsageError('expected one token name');
      const body: Record<string, unknown> = { name: positional[0] };
      if (flags.has('scopes')) body.scopes = flags.get('scopes')!.split(',');
      if (flags.has('days')) body.expiresInDays = Number(flags.get('days'));
      if (flags.has('modules')) body.modules = flags.get('modules')!.split(',');
      if (flags.has('owner')) body.owner = flags.get('owner');
      const created: TokenInfo & { token: string } = await api.request('POST', '/api/tokens', body);
      io.stderr.write(`created token ${created.name} (id ${created.id}) for ${created.owner}, scopes ${created.scopes.join(',')}, expires ${created.expiresAt}; it is shown only now:\n`);
      io.stdout.write(`${created.token}\n`);
      return;
    }
    case 'list': {
      const { flags, positional } = parseFlags(rest, ['owner'], ['all', 'revoked']);
      if (positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
      const params = new URLSearchParams();
      if (flags.has('all')) params.set('all', 'true');
      if (flags.has('revoked')) params.set('includeRevoked', 'true');
      if (flags.has('owner')) params.set('owner', flags.get('owner')!);
      const tokens: TokenInfo[] = await api.request('GET', `/api/tokens?${params}`);
      io.stdout.write(`${['ID', 'NAME', 'OWNER', 'SCOPES', 'MODULES', 'EXPIRES', 'REVOKED'].join('\t')}\n`);
      for (const t of tokens) {
        io.stdout.write(`${[t.id, t.name, t.owner, t.scopes.join(','), t.modules.join(',') || '*', t.expiresAt, t.revokedAt ?? '-'].join('\t')}\n`);
      }
      return;
    }
    case 'revoke': {
      const { positional } = parseFlags(rest, []);
      if (positional.length !== 1) throw new UsageError('expected one token id');
      const revoked: TokenInfo = await api.request('DELETE', `/api/tokens/${encodeURIComponent(positional[0]!)}`);
      io.stdout.write(`revoked token ${revoked.name} (id ${revoked.id}) of ${revoked.owner}\n`);
      return;
    }
    default:
      throw new UsageError(sub === undefined ? 'missing token command' : `unknown token command ${JSON.stringify(sub)}`);
  }
}
