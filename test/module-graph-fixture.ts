import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildOncePerRun, commitAll, directGoEnv, goModDownloadJsonAll, initRepo, makeGitInsteadOfConfig, repoDirFor, tag, writeFiles } from './support/index.js';

/** A GOPROXY tree whose modules require each other, and a project using them. */
export interface ModuleGraphFixture {
  /** The GOPROXY tree (serve it with startStaticServer). */
  root: string;
  /** The project directory, holding `go.mod` and the `./local` replacement. */
  project: string;
  /** Every `path@version` in the tree. */
  modules: string[];
}

type Version = { version: string; go?: string; requires?: string[]; noGoMod?: boolean };

/**
 * github.com/graph/... modules, built with git and downloaded by the real go command (direct mode):
 *
 * - a v1.0.0 (go 1.17: pruned) requires b v1.0.0
 * - b v1.0.0 requires c v1.1.0; c v1.2.0 requires e v1.0.0 — d v1.0.0 requires c v1.2.0, so MVS picks c v1.2.0
 * - f v1.0.0 requires c v1.3.0, which the project excludes (and which does not exist)
 * - old v2.0.0 has no go.mod: v2.0.0+incompatible
 * - fork v1.0.0 replaces orig v1.0.0; ./local replaces local (never fetched)
 *
 * Built once per jest run; each caller gets a copy.
 */
export async function buildModuleGraphFixture(dir: string): Promise<ModuleGraphFixture> {
  return buildOncePerRun('module-graph', dir, ['modcache/cache/download', 'project'], buildModuleGraph);
}

async function buildModuleGraph(dir: string): Promise<ModuleGraphFixture> {
  const reposRoot = join(dir, 'repos');
  const gitConfigPath = join(dir, 'gitconfig');
  await makeGitInsteadOfConfig(gitConfigPath, reposRoot);
  const graph: Record<string, Version[]> = {
    a: [{ version: 'v1.0.0', go: '1.17', requires: ['b v1.0.0'] }],
    b: [{ version: 'v1.0.0', requires: ['c v1.1.0'] }],
    c: [{ version: 'v1.1.0' }, { version: 'v1.2.0', requires: ['e v1.0.0'] }],
    d: [{ version: 'v1.0.0', go: '1.17', requires: ['c v1.2.0'] }],
    e: [{ version: 'v1.0.0' }],
    f: [{ version: 'v1.0.0', requires: ['c v1.3.0'] }],
    old: [{ version: 'v2.0.0', noGoMod: true }],
    fork: [{ version: 'v1.0.0', requires: ['e v1.0.0'] }],
  };
  const wanted: string[] = [];
  let day = 1;
  for (const [name, versions] of Object.entries(graph)) {
    const path = `github.com/graph/${name}`;
    const repo = repoDirFor(reposRoot, path);
    await initRepo(repo);
    for (const v of versions) {
      const requires = (v.requires ?? []).map((r) => `require github.com/graph/${r}\n`).join('');
      const files: Record<string, string> = { [`${name}.go`]: `package ${name}\n\nconst Version = "${v.version}"\n` };
      if (!v.noGoMod) files['go.mod'] = `module ${path}\n\ngo ${v.go ?? '1.16'}\n${requires}`;
      await writeFiles(repo, files);
      await commitAll(repo, `${name} ${v.version}`, `2024-02-${String(day++).padStart(2, '0')}T00:00:00Z`);
      await tag(repo, v.version);
      wanted.push(`${path}@${v.noGoMod ? `${v.version}+incompatible` : v.version}`);
    }
  }
  const modcache = join(dir, 'modcache');
  const results = await goModDownloadJsonAll(wanted, directGoEnv({ gitConfigPath }, join(dir, 'home'), modcache));
  const failed = results.filter((r) => r.Error !== undefined);
  if (failed.length > 0 || results.length !== wanted.length) throw new Error(`module graph fixture: go mod download failed:\n${JSON.stringify(results, null, 2)}`);

  const project = join(dir, 'project');
  await mkdir(join(project, 'local'), { recursive: true });
  await writeFile(join(project, 'local', 'go.mod'), 'module github.com/graph/local\n\ngo 1.16\n');
  await writeFile(
    join(project, 'go.mod'),
    [
      '// A project whose dependency graph modgate warm fetches.',
      'module example.com/project',
      '',
      'go 1.17',
      '',
      'require (',
      '\tgithub.com/graph/a v1.0.0',
      '\tgithub.com/graph/d v1.0.0 // direct',
      '\tgithub.com/graph/f v1.0.0',
      '\tgithub.com/graph/old v2.0.0+incompatible',
      '\tgithub.com/graph/orig v1.0.0',
      '\tgithub.com/graph/local v0.0.0',
      ')',
      '',
      'require (',
      '\tgithub.com/graph/b v1.0.0 // indirect',
      '\tgithub.com/graph/c v1.2.0 // indirect',
      '\tgithub.com/graph/e v1.0.0 // indirect',
      ')',
      '',
      'exclude github.com/graph/c v1.3.0',
      '',
      'replace github.com/graph/orig v1.0.0 => github.com/graph/fork v1.0.0',
      'replace github.com/graph/local => ./local',
      '',
    ].join('\n'),
  );
  return { root: join(modcache, 'cache', 'download'), project, modules: wanted };
}
