import { fails, gomod, legacyMod, moduleSpec, q, zipOf } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import { pseudo } from './fixture-repo.js';

const ROOT_LICENSE = 'root license\n';

/** Major versions: `+incompatible`, major subdirectories, major branches (spec §3.3-§3.5, §11 21-24). */
export const MAJOR_CASES: ConformanceCase[] = [
  // Observed with Go 1.19 (direct): list v1.0.0 v2.0.0+incompatible v2.1.0+incompatible
  // v3.0.0-beta+incompatible; @latest and @v2 v2.1.0+incompatible; @main v3.0.0-beta+incompatible; a
  // requested v2.1.1-0.20240504000000-6ead8c92bfb8 (without the suffix) comes back with +incompatible.
  {
    name: 'incompatible',
    about: 'no go.mod with v2+ tags: +incompatible list entries, queries and a requested +incompatible pseudo-version',
    async build({ repo }) {
      const r = await repo('incompatible');
      const steps: Array<[string, string, string]> = [
        ['a.go', '2024-05-01T00:00:00Z', 'v1.0.0'],
        ['b.go', '2024-05-02T00:00:00Z', 'v2.0.0'],
        ['c.go', '2024-05-03T00:00:00Z', 'v2.1.0'],
      ];
      for (const [file, date, version] of steps) {
        await r.write({ [file]: 'package a\n' });
        await r.commit(version, date);
        await r.tag(version);
      }
      await r.write({ 'd.go': 'package a\n' });
      const c4 = await r.commit('beta', '2024-05-04T00:00:00Z');
      await r.tag('v3.0.0-beta');
      const mod = legacyMod(r.path);
      const onC4 = pseudo('v2.1.1-0.', '2024-05-04T00:00:00Z', c4.slice(0, 12));
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v2.0.0+incompatible', 'v2.1.0+incompatible', 'v3.0.0-beta+incompatible'], [
            q('v1.0.0', 'v1.0.0', { mod }),
            q('v2.1.0', 'v2.1.0+incompatible', { mod, zip: zipOf(['a.go', 'b.go', 'c.go']) }),
            q('v2.0.0+incompatible', 'v2.0.0+incompatible', { mod }),
            q('v3.0.0-beta+incompatible'),
            q('latest', 'v2.1.0+incompatible'),
            q('main', 'v3.0.0-beta+incompatible'),
            q('v2', 'v2.1.0+incompatible'),
            q(`${onC4}+incompatible`),
            q(onC4, `${onC4}+incompatible`),
          ]),
        ],
      };
    },
  },
  {
    name: 'incompatible-gomod-added',
    about: 'go.mod added at v2.1.0: no +incompatible in the list, explicit v2.0.0+incompatible still resolves',
    async build({ repo }) {
      const r = await repo('incompatible-gomod-added');
      await r.write({ 'a.go': 'package a\n' });
      await r.commit('one', '2024-05-10T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('two', '2024-05-11T00:00:00Z');
      await r.tag('v2.0.0');
      await r.write({ 'go.mod': gomod(r.path) });
      await r.commit('go.mod', '2024-05-12T00:00:00Z');
      await r.tag('v2.1.0');
      await r.write({ 'c.go': 'package a\n' });
      const c4 = await r.commit('beta', '2024-05-13T00:00:00Z');
      await r.tag('v3.0.0-beta');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0'], [
            q('v2.0.0+incompatible', 'v2.0.0+incompatible', { mod: legacyMod(r.path) }),
            q('v2.0.0', 'v2.0.0+incompatible'),
            q('v2.1.0', fails(/module path must match major version/)),
            q('v2.1.0+incompatible', fails(/module contains a go\.mod file/)),
            q('latest', 'v1.0.0'),
            q('main', pseudo('v1.0.1-0.', '2024-05-13T00:00:00Z', c4.slice(0, 12))),
          ]),
        ],
      };
    },
  },
  {
    name: 'v2-no-v2-gomod',
    about: 'tag v2.0.0 whose go.mod lacks /v2 and no v2/go.mod: listed for M/v2 but unresolvable both ways',
    async build({ repo }) {
      const r = await repo('v2-no-v2-gomod');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-05-20T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('two', '2024-05-21T00:00:00Z');
      await r.tag('v2.0.0');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0'], [q('v1.0.0'), q('v2.0.0', fails(/module path must match major version/)), q('latest', 'v1.0.0')]),
          moduleSpec(r, ['v2.0.0'], [q('v2.0.0', fails(/non-.*\/v2 module path/)), q('latest', fails(/non-.*\/v2 module path/))], {
            suffix: 'v2',
          }),
        ],
      };
    },
  },
  // Observed with Go 1.19 (direct):
  //   M/v2 list [v2.0.0]; @main v2.0.1-0.20240526000000-133b1e2caeb5; zips hold v2/* plus the root LICENSE
  //   M    list [v2.0.0+incompatible] (only the root go.mod is checked)
  //   M@v2.0.0             module contains a go.mod file, so module path must match major version
  //   M@v2.0.0+incompatible ok (explicit requests bypass the v2/go.mod rule)
  //   M@main               v0.0.0-20240526000000-133b1e2caeb5 (v2.0.0 is no base: v2/go.mod exists)
  //   M@latest             v2.0.0+incompatible
  {
    name: 'major-subdir',
    about: '/v2 in a subdirectory (v2/go.mod, no root go.mod): root LICENSE inherited; M lists v2.0.0+incompatible',
    async build({ repo }) {
      const r = await repo('major-subdir');
      await r.write({ LICENSE: ROOT_LICENSE, 'r.go': 'package r\n', 'v2/go.mod': gomod(`${r.path}/v2`), 'v2/a.go': 'package a\n' });
      await r.commit('one', '2024-05-25T00:00:00Z');
      await r.tag('v2.0.0');
      await r.write({ 'v2/b.go': 'package a\n', 'r2.go': 'package r\n' });
      const c2 = await r.commit('two', '2024-05-26T00:00:00Z');
      const license = { LICENSE: ROOT_LICENSE };
      return {
        modules: [
          moduleSpec(
            r,
            ['v2.0.0'],
            [
              q('v2.0.0', 'v2.0.0', { zip: zipOf(['go.mod', 'a.go', 'LICENSE'], license) }),
              q('latest', 'v2.0.0'),
              q('main', pseudo('v2.0.1-0.', '2024-05-26T00:00:00Z', c2.slice(0, 12)), {
                zip: zipOf(['go.mod', 'a.go', 'b.go', 'LICENSE'], license),
              }),
            ],
            { suffix: 'v2', dir: 'v2' },
          ),
          moduleSpec(r, ['v2.0.0+incompatible'], [
            // §3.5 rule 4 (Go 1.18+): v2/go.mod at the commit blocks the implicit +incompatible.
            q('v2.0.0', fails(/module contains a go\.mod file, so module path must match major version/)),
            q('v2.0.0+incompatible', 'v2.0.0+incompatible', { mod: legacyMod(r.path), zip: zipOf(['LICENSE', 'r.go']) }),
            q('main', pseudo('v0.0.0-', '2024-05-26T00:00:00Z', c2.slice(0, 12))),
            q('latest', 'v2.0.0+incompatible'),
          ]),
        ],
      };
    },
  },
  {
    name: 'major-both',
    about: 'root go.mod and v2/go.mod both declaring /v2 (error), major-branch layout, v2/go.mod with a non-/v2 path (error)',
    async build({ repo }) {
      const r = await repo('major-both');
      const v2 = `${r.path}/v2`;
      await r.write({ 'go.mod': gomod(v2), 'a.go': 'package a\n', 'v2/go.mod': gomod(v2), 'v2/b.go': 'package b\n' });
      await r.commit('both', '2024-06-01T00:00:00Z');
      await r.tag('v2.0.0');
      await r.remove('v2');
      await r.commit('root only', '2024-06-02T00:00:00Z');
      await r.tag('v2.0.1');
      await r.write({ 'v2/go.mod': gomod(r.path), 'v2/c.go': 'package c\n' });
      await r.commit('non-v2 subdir', '2024-06-03T00:00:00Z');
      await r.tag('v2.0.2');
      return {
        modules: [
          moduleSpec(
            r,
            ['v2.0.0', 'v2.0.1', 'v2.0.2'],
            [
              q('v2.0.0', fails(/both have .*\/v2 module paths/)),
              q('v2.0.1', 'v2.0.1', { zip: zipOf(['go.mod', 'a.go']) }),
              q('v2.0.2', fails(/non-.*\/v2 module path/)),
              q('latest', fails(/non-.*\/v2 module path/)),
            ],
            { suffix: 'v2' },
          ),
          // Observed: with an empty list, latest falls back to the HEAD pseudo-version, whose go.mod
          // check fails, so go reports no matching versions; v2.0.1 has a "post-v2 module path".
          moduleSpec(r, [], [q('latest', fails(/no matching versions for query "latest"/)), q('v2.0.1', fails(/post-v2 module path/))]),
        ],
      };
    },
  },
  {
    name: 'major-branch',
    about: '/v2 on a major branch (branch v2 whose go.mod says /v2); semver-prefix query v2',
    async build({ repo }) {
      const r = await repo('major-branch');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-06-10T00:00:00Z');
      await r.tag('v1.0.0');
      await r.checkout('v2', { create: true });
      await r.write({ 'go.mod': gomod(`${r.path}/v2`) });
      await r.commit('v2', '2024-06-11T00:00:00Z');
      await r.tag('v2.0.0');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('v2.1', '2024-06-12T00:00:00Z');
      await r.tag('v2.1.0', { annotated: true });
      await r.write({ 'c.go': 'package a\n' });
      const b3 = await r.commit('v2 tip', '2024-06-13T00:00:00Z');
      await r.checkout('main');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0'], [q('v1.0.0'), q('latest', 'v1.0.0'), q('v2.0.0', fails(/go\.mod has post-v2 module path/))]),
          moduleSpec(
            r,
            ['v2.0.0', 'v2.1.0'],
            [
              q('v2.0.0'),
              q('v2.1.0', 'v2.1.0', { zip: zipOf(['go.mod', 'a.go', 'b.go']) }),
              q('latest', 'v2.1.0'),
              q('v2', 'v2.1.0'),
              q(b3.slice(0, 12), pseudo('v2.1.1-0.', '2024-06-13T00:00:00Z', b3.slice(0, 12))),
              q('main', fails(/non-.*\/v2 module path/)),
            ],
            { suffix: 'v2' },
          ),
        ],
      };
    },
  },
];
