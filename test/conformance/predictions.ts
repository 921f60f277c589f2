import type { BuiltCase, ModuleSpec, Prediction, QuerySpec } from './case-types.js';
import { queryKey, type ResolveOutcome, type SideOutcome } from './go-side.js';
import { predictedZipHash } from './zip-hash.js';

/**
 * Compares the oracle's (direct-mode go) answers for one case with what the spec predicts: the
 * version lists, every query's version or failure, predicted `.mod` bytes and zip file sets
 * (through their `h1:`). A non-empty result means the fixture (or the spec) is wrong, not modgate.
 */
export async function checkPredictions(built: BuiltCase, direct: SideOutcome): Promise<string[]> {
  const problems: string[] = [];
  for (const module of built.modules) {
    const list = direct.lists.get(module.path);
    const got = list?.error !== undefined ? `error: ${list.error}` : (list?.versions ?? []).join(' ');
    if (Array.isArray(module.list)) {
      if (got !== module.list.join(' ')) problems.push(`${module.path} list: spec [${module.list.join(' ')}], go [${got}]`);
    } else if (list?.error === undefined || !module.list.error.test(list.error)) {
      problems.push(`${module.path} list: spec failure ${module.list.error}, go [${got}]`);
    }
    for (const spec of module.queries) {
      const key = queryKey(module.path, spec.query);
      problems.push(...checkOne(`${key} download`, spec.download, direct.downloads.get(key)));
      if (spec.stat !== undefined) problems.push(...checkOne(`${key} stat`, spec.stat, direct.stats.get(key)));
      problems.push(...(await checkFiles(module, spec, direct.downloads.get(key), direct.stats.get(key))));
    }
  }
  return problems;
}

/** The `h1:` modgate must serve for a query with a hand-written zip (`modgateZip`), from the oracle's commit. */
export async function handZipHash(module: ModuleSpec, spec: QuerySpec, direct: ResolveOutcome | undefined): Promise<string | undefined> {
  if (!spec.modgateZip || !direct?.version || !direct.commit) return undefined;
  return predictedZipHash(spec.modgateZip, {
    repoDir: module.repo.dir,
    commit: direct.commit,
    moduleDir: module.dir,
    module: module.path,
    version: direct.version,
  });
}

function checkOne(what: string, prediction: Prediction, got: ResolveOutcome | undefined): string[] {
  if (!got) return [`${what}: no result`];
  if (typeof prediction === 'string') {
    if (got.error) return [`${what}: spec ${prediction}, go failed: ${got.error}`];
    return got.version === prediction ? [] : [`${what}: spec ${prediction}, go ${got.version}`];
  }
  if (!got.error) return [`${what}: spec failure ${prediction.error}, go resolved ${got.version}`];
  return prediction.error.test(got.error) ? [] : [`${what}: spec failure ${prediction.error}, go: ${got.error}`];
}

async function checkFiles(
  module: ModuleSpec,
  spec: QuerySpec,
  got: ResolveOutcome | undefined,
  stat: ResolveOutcome | undefined,
): Promise<string[]> {
  const key = queryKey(module.path, spec.query);
  const problems: string[] = [];
  if (spec.mod !== undefined) {
    const mod = got?.mod ?? stat?.mod;
    if (mod === undefined || !mod.equals(Buffer.from(spec.mod))) {
      problems.push(`${key} .mod: spec ${JSON.stringify(spec.mod)}, go ${JSON.stringify(mod?.toString('utf8'))}`);
    }
  }
  if (spec.zip && got?.version && got.sum) {
    if (!got.commit) return [...problems, `${key} zip: go reported no commit (Origin.Hash)`];
    const want = await predictedZipHash(spec.zip, {
      repoDir: module.repo.dir,
      commit: got.commit,
      moduleDir: module.dir,
      module: module.path,
      version: got.version,
    });
    if (want !== got.sum) problems.push(`${key} zip: spec files [${spec.zip.files.join(' ')}] hash ${want}, go ${got.sum}`);
  }
  return problems;
}
