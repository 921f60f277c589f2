import type { ApiClient } from './api-client.js';
import { UsageError } from './api-client.js';
import type { CliOutput } from './audit.command.js';
import { parseFlags } from './cli-flags.js';

export const POLICY_USAGE = `usage:
  modgate policy check <user> <module>[@<version>] [--groups a,b] [--json]
  modgate policy check --token <id or name> <module>[@<version>] [--groups a,b] [--json]

Asks the server which rule decides whether the user (or token) may read the module version:
the deny rule or the binding, with its policy, pattern and reason. Groups default to the ones
the server knows for a local user (none for a directory user: state them with --groups).
Exit status 0 when allowed, 3 when denied.`;

/** Exit status of `policy check` when the policy refuses. */
export const DENIED_EXIT = 3;

interface CheckResult {
  allowed: boolean;
  reason: string | null;
  principal: string;
  groups: string[];
  groupsFrom: string;
  subjects: string[];
  module: string;
  version: string | null;
  source: string;
  decidedBy: string;
}

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** `modgate policy check ...` */
export async function policyCommand(api: ApiClient, args: string[], io: CliOutput = STD): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check') throw new UsageError(sub === undefined ? 'missing policy command' : `unknown policy command ${JSON.stringify(sub)}`);
  const { flags, positional } = parseFlags(rest, ['groups', 'token'], ['json']);
  const token = flags.get('token');
  if (positional.length !== (token === undefined ? 2 : 1)) throw new UsageError(token === undefined ? 'expected <user> <module>[@<version>]' : 'expected <module>[@<version>] after --token');
  const target = positional[positional.length - 1]!;
  const at = target.lastIndexOf('@');
  const params = new URLSearchParams(token === undefined ? { user: positional[0]! } : { token });
  params.set('module', at > 0 ? target.slice(0, at) : target);
  if (at > 0) params.set('version', target.slice(at + 1));
  if (flags.has('groups')) params.set('groups', flags.get('groups')!);

  const result: CheckResult = await api.request('GET', `/api/policies/check?${params}`);
  if (flags.has('json')) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const subject = `${result.module}${result.version ? `@${result.version}` : ''}`;
    const groups = result.groups.length ? result.groups.join(', ') : 'none';
    io.stdout.write(
      [
        result.allowed ? `ALLOWED  ${result.principal} may read ${subject} (${result.source})` : `DENIED   ${result.reason}`,
        `  decided by: ${result.decidedBy}`,
        `  groups:     ${groups} (${result.groupsFrom === 'stated' ? 'as stated' : result.groupsFrom === 'none' ? 'no local user of that name; state them with --groups' : `from the ${result.groupsFrom}`})`,
        `  subjects:   ${result.subjects.join(', ')}`,
        '',
      ].join('\n'),
    );
  }
  return result.allowed ? 0 : DENIED_EXIT;
}
