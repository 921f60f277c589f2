import { fails, gomod, legacyMod, moduleSpec, q } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import { pseudo } from './fixture-repo.js';

/** Corners: odd tags, go.mod syntax, time zones, the remote HEAD, a prerelease as the last listed version. */
export const EDGE_CASES: ConformanceCase[] = [
  {
    name: 'odd-tags',
    about: 'tags that are no versions: on a tree object, pseudo-version-shaped, V1.8.0, v1.9, v1.0.0-01, v2.0.0+incompatible; release/v1.0.0 without a module',
    async build({ repo }) {
      const r = await repo('odd-tags');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-11-01T00:00:00Z');
      await r.tags('v1.0.0', 'v1.0.1-0.20240101000000-abcdefabcdef', 'v1.0.0-01', 'release/v1.0.0');
      await r.git(['tag', 'v1.5.0', 'HEAD^{tree}']);
      await r.write({ 'b.go': 'package a\n' });
      const c2 = (await r.commit('two', '2024-11-02T00:00:00Z')).slice(0, 12);
      await r.tags('V1.8.0', 'v1.9', 'v2.0.0+incompatible');
      const head = pseudo('v1.0.1-0.', '2024-11-02T00:00:00Z', c2);
      return {
        modules: [
          // The list holds v1.5.0 although that tag names a tree (spec §3.4: tag names only).
          moduleSpec(r, ['v1.0.0', 'v1.5.0'], [
            q('v1.0.0'),
            // Observed: "unexpected response from git log" (the tag names a tree); latest picks it and fails too.
            q('v1.5.0', fails(/invalid version/)),
            q('latest', fails(/invalid version/)),
            q('main', head),
            q('V1.8.0', head),
            q('v1.9', fails(/no matching versions/)),
            q('v2.0.0+incompatible', fails(/unknown revision v2\.0\.0/)),
            q('v1.0.1-0.20240101000000-abcdefabcdef', fails(/unknown revision/)),
          ]),
          // A prefixed tag without a module there: listed anyway (spec §3.4), unresolvable.
          moduleSpec(r, ['v1.0.0'], [q('v1.0.0', fails(/missing .*release\/go\.mod/)), q('latest', fails(/missing .*release\/go\.mod/))], {
            suffix: 'release',
            dir: 'release',
          }),
        ],
      };
    },
  },
  {
    name: 'gomod-syntax',
    about: 'module lines the go.mod scanner must read like modfile.ModulePath: BOM, tabs, block, backquotes, empty, none, bad quote, late, CRLF',
    async build({ repo }) {
      const r = await repo('gomod-syntax');
      // Observed with Go 1.19: the first line starting with `module` + space wins, even `module (`
      // (path "(", accepted: nothing compares it with M); a BOM hides the line.
      const missing = fails(/go\.mod is missing module path/);
      const variants: Array<[string, string, boolean]> = [
        ['v1.0.0', `\ufeffmodule ${r.path}\n`, false],
        ['v1.1.0', `module\t${r.path}\t// tab-separated\n\ngo 1.16\n`, true],
        ['v1.2.0', `module (\n\t${r.path}\n)\n`, true],
        ['v1.3.0', `module \`${r.path}\`\n`, true],
        ['v1.4.0', '', false],
        ['v1.5.0', '// only a comment\ngo 1.16\n', false],
        ['v1.6.0', `module "${r.path}\n`, false],
        ['v1.7.0', `go 1.16\n\nmodule ${r.path} // after the go line\n`, true],
        ['v1.8.0', `  module ${r.path}  \r\n`, true],
      ];
      const queries = [];
      for (const [i, [version, goMod, ok]] of variants.entries()) {
        await r.write({ 'go.mod': goMod, 'a.go': `package a // ${version}\n` });
        await r.commit(version, `2024-11-1${i}T00:00:00Z`);
        await r.tag(version);
        queries.push(ok ? q(version, version, { mod: goMod }) : q(version, missing));
      }
      return { modules: [moduleSpec(r, variants.map(([v]) => v), [...queries, q('latest', 'v1.8.0')])] };
    },
  },
  {
    name: 'incompatible-prerelease-last',
    about: 'the last compatible version is a prerelease with a go.mod: no +incompatible entries (spec §3.4 step 8)',
    async build({ repo }) {
      const r = await repo('incompatible-prerelease-last');
      await r.write({ 'a.go': 'package a\n' });
      await r.commit('one', '2024-11-20T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('two', '2024-11-21T00:00:00Z');
      await r.tag('v2.0.0');
      await r.write({ 'go.mod': gomod(r.path) });
      await r.commit('three', '2024-11-22T00:00:00Z');
      await r.tag('v1.1.0-rc.1');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0-rc.1'], [
            q('v2.0.0', 'v2.0.0+incompatible', { mod: legacyMod(r.path) }),
            q('latest', 'v1.0.0'),
            q('v1.1.0-rc.1'),
          ]),
        ],
      };
    },
  },
  {
    name: 'timezone',
    about: 'commit dates with UTC offsets and a different author date: .info Time and pseudo-versions use the committer time in UTC',
    async build({ repo }) {
      const r = await repo('timezone');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commitDated('one', '2024-10-01T12:00:00+05:30', '2020-02-02T02:02:02Z');
      await r.tag('v1.0.0', { annotated: true, date: '2030-01-01T00:00:00Z' });
      await r.write({ 'b.go': 'package a\n' });
      const c2 = (await r.commitDated('two', '2024-10-01T20:00:00-08:00', '2019-01-01T00:00:00+01:00')).slice(0, 12);
      const head = pseudo('v1.0.1-0.', '2024-10-02T04:00:00Z', c2);
      return { modules: [moduleSpec(r, ['v1.0.0'], [q('v1.0.0'), q('main', head), q(head), q('latest', 'v1.0.0')])] };
    },
  },
  {
    name: 'empty-repo',
    about: 'a repository without commits, and a repository that does not exist: both sides fail or list nothing',
    async build({ repo }) {
      const r = await repo('empty-repo');
      const notThere = fails(/does not appear to be a git repository/);
      const missing = { ...moduleSpec(r, { error: /does not appear to be a git repository/ }, [q('latest', notThere), q('v1.0.0', notThere)]) };
      return {
        modules: [
          // Observed: an empty repository lists nothing (no error); latest finds no matching versions.
          moduleSpec(r, [], [
            q('latest', fails(/no matching versions for query "latest"/)),
            q('v1.0.0', fails(/unknown revision v1\.0\.0/)),
            q('main', fails(/unknown revision main/)),
          ]),
          { ...missing, path: 'github.com/conf/no-such-repo' },
        ],
      };
    },
  },
  {
    name: 'default-branch-trunk',
    about: 'the remote HEAD is branch trunk, not main: latest and HEAD follow trunk',
    async build({ repo }) {
      const r = await repo('default-branch-trunk');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      const c1 = (await r.commit('one', '2024-10-10T00:00:00Z')).slice(0, 12);
      await r.checkout('trunk', { create: true });
      await r.write({ 'b.go': 'package a\n' });
      const c2 = (await r.commit('two', '2024-10-11T00:00:00Z')).slice(0, 12);
      const head = pseudo('v0.0.0-', '2024-10-11T00:00:00Z', c2);
      return {
        modules: [
          moduleSpec(r, [], [
            q('latest', head),
            q('HEAD', head),
            q('trunk', head),
            q('main', pseudo('v0.0.0-', '2024-10-10T00:00:00Z', c1)),
          ]),
        ],
      };
    },
  },
];
