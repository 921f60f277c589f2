import { readFile } from 'node:fs/promises';
import { canonicalVersion, isValidModulePath } from '#gomod';
import { CliError, UsageError } from './api-client.js';
import { parseFlags } from './cli-flags.js';
import { GoModSyntaxError, parseMainGoMod, type MainGoMod, type ModuleVersion } from './go-mod-directives.js';
import { GoproxyClient, type ProxyFetch } from './goproxy-client.js';
import { computeBuildList } from './module-graph.js';
import { ProgressBar } from './progress-bar.js';
import type { CliOutput } from './audit.command.js';

const STD: CliOutput = { stdout: process.stdout, stderr: process.stderr };

/** `modgate warm`: fills modgate's cache with a project's dependency graph. */
export async function warmCommand(args: string[], io: CliOutput = STD, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { flags, positional } = parseFlags(args, ['file', 'jobs'], ['progress', 'list'], { f: 'file' });
  const main = await mainModule(flags.get('file'), positional);
  const jobs = Number(flags.get('jobs') ?? 8);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError('--jobs must be a whole number from 1 to 64');

  const started = Date.now();
  const bar = new ProgressBar(io.stderr, null, { unit: 'files', force: flags.has('progress') });
  const failures: string[] = [];
  let done = 0;
  let bytes = 0;
  const { baseUrl, authorization } = GoproxyClient.credentialsFromEnv(env);
  const client = new GoproxyClient(
    baseUrl,
    authorization,
    jobs,
    (result: ProxyFetch) => {
      done++;
      bytes += result.bytes;
      if (!result.ok) failures.push(`${result.path}: ${result.error}`);
      bar.update(done, bytes);
    },
    () => bar.setTotal(client.requested + 1),
  );

  const buildList = await computeBuildList(
    main,
    async (m) => (await client.get(GoproxyClient.pathOf(m, 'mod'), true)).text ?? null,
    (m, message) => failures.push(`${GoproxyClient.pathOf(m, 'mod')}: ${message}`),
  );
  const fetched = buildList.filter((entry) => entry.source !== null);
  await Promise.all(fetched.flatMap(({ source }) => (['mod', 'info', 'zip'] as const).map((ext) => client.get(GoproxyClient.pathOf(source!, ext)))));
  bar.finish(done, bytes);

  if (flags.has('list')) {
    for (const e of buildList) io.stdout.write(`${e.path} ${e.version}${e.source === null ? ' => (local directory)' : e.source.path !== e.path || e.source.version !== e.version ? ` => ${e.source.path} ${e.source.version}` : ''}\n`);
  }
  for (const failure of failures.sort()) io.stderr.write(`modgate: ${failure}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const local = buildList.length - fetched.length;
  io.stderr.write(
    `warmed ${fetched.length} module(s)${local ? ` (${local} local, skipped)` : ''}: ${done} file(s), ${(bytes / 1e6).toFixed(1)} MB in ${seconds} s; ${failures.length} failed\n`,
  );
  return failures.length > 0 ? 1 : 0;
}

async function mainModule(file: string | undefined, targets: string[]): Promise<MainGoMod> {
  if (file !== undefined) {
    if (targets.length > 0) throw new UsageError(`give either -f go.mod or module@version arguments, not both`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    try {
      return parseMainGoMod(text, file);
    } catch (err) {
      if (err instanceof GoModSyntaxError) throw new CliError(err.message);
      throw err;
    }
  }
  if (targets.length === 0) throw new UsageError('nothing to warm: give -f go.mod or module@version arguments');
  return { require: targets.map(moduleVersionArg), exclude: [], replace: [] };
}

function moduleVersionArg(arg: string): ModuleVersion {
  const at = arg.lastIndexOf('@');
  const path = arg.slice(0, Math.max(0, at));
  const version = canonicalVersion(arg.slice(at + 1));
  if (at <= 0 || !isValidModulePath(path)) throw new UsageError(`${JSON.stringify(arg)}: expected <module>@<version>, e.g. github.com/acme/lib@v1.2.3`);
  if (version === '') throw new UsageError(`${JSON.stringify(arg)}: the version must be a semantic version like v1.2.3 (queries such as latest are not resolved)`);
  return { path, version };
}
