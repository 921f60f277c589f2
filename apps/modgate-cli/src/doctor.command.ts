import { ConfigError, loadConfig, type ModgateConfig } from '#config';
import { UsageError } from './api-client.js';
import type { CliOutput } from './audit.command.js';
import { parseFlags } from './cli-flags.js';
import { checkDatabase, checkStorage, checkTls, fail, ok, reasonOf, type CheckResult } from './doctor-checks.js';
import { checkLdap, checkOrigin, checkUpstream } from './doctor-remote-checks.js';

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** `modgate doctor`: is this installation able to serve? */
export async function doctorCommand(args: string[], io: CliOutput = STD, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { flags, positional } = parseFlags(args, ['timeout']);
  if (positional.length > 0) throw new UsageError(`modgate doctor takes no arguments (got ${JSON.stringify(positional[0])})`);
  const seconds = Number(flags.get('timeout') ?? 5);
  if (!(seconds > 0 && seconds <= 300)) throw new UsageError('--timeout must be a number of seconds from 0 to 300');
  const timeoutMs = seconds * 1000;

  const print = (r: CheckResult) => io.stdout.write(`${r.status.padEnd(4)}  ${r.name}: ${r.detail}\n`);
  let config: ModgateConfig;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    print(fail('config', err.message.replace(/\n\s*/g, '; ').replace('invalid configuration:; ', 'invalid: ')));
    return 1;
  }
  print(ok('config', `valid (environment${config.configFile ? ` and ${config.configFile}` : ''})`));

  const checks: Array<[string, () => Promise<CheckResult> | CheckResult]> = [
    ['database', () => checkDatabase(config, timeoutMs)],
    ['storage', () => checkStorage(config)],
    ...(config.auth.ldap ? [['ldap', () => checkLdap(config.auth.ldap!, timeoutMs)] as [string, () => Promise<CheckResult>]] : []),
    ...config.upstream.map((entry): [string, () => Promise<CheckResult>] => [`upstream ${entry.url}`, () => checkUpstream(entry, timeoutMs)]),
    ...config.origins.map((origin): [string, () => Promise<CheckResult>] => [`origin ${origin.pattern}`, () => checkOrigin(origin, config, timeoutMs)]),
    ['tls', () => checkTls(config)],
  ];
  // All at once, each bounded; printed in a fixed order.
  const results = await Promise.all(checks.map(([name, run]) => bounded(name, run, timeoutMs + 1000)));
  results.forEach(print);
  if (config.upstream.length === 0) print(ok('upstream', 'off (MODGATE_UPSTREAM=off): only cached and private modules are served'));
  const failed = results.filter((r) => r.status === 'FAIL').length;
  io.stdout.write(failed ? `${failed} check(s) FAILED\n` : 'all checks passed\n');
  return failed ? 1 : 0;
}

async function bounded(name: string, run: () => Promise<CheckResult> | CheckResult, ms: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(fail(name, `no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } catch (err) {
    return fail(name, reasonOf(err));
  } finally {
    clearTimeout(timer);
  }
}
