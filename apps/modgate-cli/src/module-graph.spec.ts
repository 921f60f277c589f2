import { parseMainGoMod, type ModuleVersion } from './go-mod-directives.js';
import { computeBuildList } from './module-graph.js';

/** An in-memory set of .mod files: `path@version` -> go.mod text. */
function modFiles(files: Record<string, string>) {
  const asked: string[] = [];
  const load = async (m: ModuleVersion) => {
    asked.push(`${m.path}@${m.version}`);
    return files[`${m.path}@${m.version}`] ?? null;
  };
  return { load, asked };
}

const mod = (path: string, go: string | undefined, ...requires: string[]) =>
  [`module ${path}`, go ? `go ${go}` : '', ...requires.map((r) => `require ${r.replace('@', ' ')}`)].join('\n');

const list = (entries: Array<{ path: string; version: string; source: ModuleVersion | null }>) =>
  entries.map((e) => `${e.path} ${e.version}${e.source && e.source.path !== e.path ? ` => ${e.source.path} ${e.source.version}` : e.source ? '' : ' => local'}`);

describe('computeBuildList (MVS)', () => {
  const graph = {
    'x.example/a@v1.0.0': mod('x.example/a', '1.16', 'x.example/b@v1.0.0'),
    'x.example/b@v1.0.0': mod('x.example/b', '1.16', 'x.example/c@v1.1.0'),
    'x.example/c@v1.1.0': mod('x.example/c', '1.16'),
    'x.example/c@v1.2.0': mod('x.example/c', '1.16', 'x.example/e@v1.0.0'),
    'x.example/d@v1.0.0': mod('x.example/d', '1.16', 'x.example/c@v1.2.0'),
    'x.example/e@v1.0.0': mod('x.example/e', '1.16', 'example.com/main@v0.1.0'),
  };

  it('selects the highest required version of each path, transitively', async () => {
    const { load } = modFiles(graph);
    const main = parseMainGoMod(mod('example.com/main', '1.16', 'x.example/a@v1.0.0', 'x.example/d@v1.0.0'));
    expect(list(await computeBuildList(main, load))).toEqual(['x.example/a v1.0.0', 'x.example/b v1.0.0', 'x.example/c v1.2.0', 'x.example/d v1.0.0', 'x.example/e v1.0.0']);
  });

  it('loads each go.mod once, also in a cycle back to the main module', async () => {
    const { load, asked } = modFiles(graph);
    const main = parseMainGoMod(mod('example.com/main', '1.16', 'x.example/a@v1.0.0', 'x.example/d@v1.0.0', 'x.example/c@v1.1.0'));
    await computeBuildList(main, load);
    expect([...asked].sort()).toEqual(['x.example/a@v1.0.0', 'x.example/b@v1.0.0', 'x.example/c@v1.1.0', 'x.example/c@v1.2.0', 'x.example/d@v1.0.0', 'x.example/e@v1.0.0']);
  });

  it('ignores requirements on excluded versions (Go 1.16+)', async () => {
    const { load, asked } = modFiles(graph);
    const main = parseMainGoMod(`${mod('example.com/main', '1.16', 'x.example/a@v1.0.0', 'x.example/d@v1.0.0')}\nexclude x.example/c v1.2.0\n`);
    expect(list(await computeBuildList(main, load))).toEqual(['x.example/a v1.0.0', 'x.example/b v1.0.0', 'x.example/c v1.1.0', 'x.example/d v1.0.0']);
    expect(asked).not.toContain('x.example/c@v1.2.0');
  });

  it('loads a replacement instead, and never a local directory', async () => {
    const { load, asked } = modFiles({ ...graph, 'x.example/fork@v1.5.0': mod('x.example/fork', '1.16', 'x.example/e@v1.0.0') });
    const main = parseMainGoMod(
      `${mod('example.com/main', '1.16', 'x.example/a@v1.0.0', 'x.example/d@v1.0.0', 'x.example/here@v0.0.0')}\nreplace x.example/c v1.2.0 => x.example/fork v1.5.0\nreplace x.example/here => ./here\n`,
    );
    expect(list(await computeBuildList(main, load))).toEqual([
      'x.example/a v1.0.0',
      'x.example/b v1.0.0',
      'x.example/c v1.2.0 => x.example/fork v1.5.0',
      'x.example/d v1.0.0',
      'x.example/e v1.0.0',
      'x.example/here v0.0.0 => local',
    ]);
    expect(asked).not.toContain('x.example/c@v1.2.0');
    expect(asked.some((m) => m.startsWith('x.example/here'))).toBe(false);
  });

  it('with graph pruning (go 1.17+), does not load the requirements of a pruned dependency', async () => {
    const pruned = {
      'x.example/a@v1.0.0': mod('x.example/a', '1.17', 'x.example/b@v1.0.0'),
      'x.example/b@v1.0.0': mod('x.example/b', '1.17', 'x.example/c@v1.1.0'),
      'x.example/old@v2.0.0+incompatible': 'module x.example/old\n',
      'x.example/b@v1.1.0': mod('x.example/b', '1.16', 'x.example/c@v1.2.0'),
      'x.example/c@v1.2.0': mod('x.example/c', '1.17', 'x.example/e@v1.0.0'),
    };
    const { load, asked } = modFiles(pruned);
    const main = parseMainGoMod(mod('example.com/main', '1.17', 'x.example/a@v1.0.0', 'x.example/old@v2.0.0+incompatible'));
    // b's requirement on c is pruned out: a (go 1.17) contributes only its own requirement, b.
    expect(list(await computeBuildList(main, load))).toEqual(['x.example/a v1.0.0', 'x.example/b v1.0.0', 'x.example/old v2.0.0+incompatible']);
    expect(asked.sort()).toEqual(['x.example/a@v1.0.0', 'x.example/old@v2.0.0+incompatible']);

    // An unpruned dependency (go < 1.17) is loaded transitively, and everything below it too.
    const main2 = parseMainGoMod(mod('example.com/main', '1.17', 'x.example/b@v1.1.0'));
    expect(list(await computeBuildList(main2, modFiles(pruned).load))).toEqual(['x.example/b v1.1.0', 'x.example/c v1.2.0', 'x.example/e v1.0.0']);
  });

  it('reports a .mod that does not parse and goes on', async () => {
    const { load } = modFiles({ ...graph, 'x.example/b@v1.0.0': 'module x.example/b\nrequire x.example/c 1.1\n' });
    const bad: string[] = [];
    const main = parseMainGoMod(mod('example.com/main', '1.16', 'x.example/a@v1.0.0'));
    expect(list(await computeBuildList(main, load, (m, message) => bad.push(`${m.path}@${m.version}: ${message}`)))).toEqual(['x.example/a v1.0.0', 'x.example/b v1.0.0']);
    expect(bad).toEqual([expect.stringMatching(/^x\.example\/b@v1\.0\.0: .*version "1\.1" invalid/)]);
  });
});
