import { fails, gomod, legacyMod, moduleSpec, q, zipOf } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import { pseudo } from './fixture-repo.js';

const ROOT_LICENSE = 'root license\n';

const VENDOR_TREE = {
  'm.go': 'package m\n',
  'vendor/modules.txt': '# example.com/x v1.0.0\n',
  'vendor/example.com/x/x.go': 'package x\n',
  'sub/vendor/sub.txt': 'sub\n',
  'pkg/vendor/vendor.go': 'package vendor\n',
};

/** Where a module lives in its repository: subdirectories, nested modules, LICENSE, vendor (spec §3.3, §6). */
export const LAYOUT_CASES: ConformanceCase[] = [
  {
    name: 'subdir-prefixed',
    about: 'subdirectory modules with prefixed tags (sub/v1.x, sub/v2 in sub/v2/), root LICENSE inherited',
    async build({ repo }) {
      const r = await repo('subdir-prefixed');
      await r.write({
        'go.mod': gomod(r.path),
        'a.go': 'package a\n',
        LICENSE: ROOT_LICENSE,
        'sub/go.mod': gomod(`${r.path}/sub`),
        'sub/s.go': 'package sub\n',
        'deep/er/go.mod': gomod(`${r.path}/deep/er`),
        'deep/er/d.go': 'package er\n',
      });
      await r.commit('one', '2024-06-20T00:00:00Z');
      await r.tags('v1.0.0', 'sub/v1.0.0', 'deep/er/v0.1.0');
      await r.write({ 'sub/t.go': 'package sub\n', 'sub/v2/go.mod': gomod(`${r.path}/sub/v2`), 'sub/v2/x.go': 'package sub\n' });
      await r.commit('two', '2024-06-21T00:00:00Z');
      await r.tags('sub/v1.1.0', 'sub/v2.0.0');
      await r.write({ 'b.go': 'package a\n' });
      const c3 = (await r.commit('three', '2024-06-22T00:00:00Z')).slice(0, 12);
      const license = { LICENSE: ROOT_LICENSE };
      return {
        modules: [
          moduleSpec(r, ['v1.0.0'], [
            q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go', 'LICENSE']) }),
            q('main', pseudo('v1.0.1-0.', '2024-06-22T00:00:00Z', c3), { zip: zipOf(['go.mod', 'a.go', 'b.go', 'LICENSE']) }),
            // sub/v1.1.0 is not a tag of the root module.
            q(pseudo('v1.1.1-0.', '2024-06-22T00:00:00Z', c3), fails(/preceding tag \(v1\.1\.0\) not found/)),
          ]),
          moduleSpec(
            r,
            ['v1.0.0', 'v1.1.0'],
            [
              q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 's.go', 'LICENSE'], license) }),
              q('v1.1.0', 'v1.1.0', { zip: zipOf(['go.mod', 's.go', 't.go', 'LICENSE'], license) }),
              q('latest', 'v1.1.0'),
              q('main', pseudo('v1.1.1-0.', '2024-06-22T00:00:00Z', c3)),
              // Any ancestor tag is a valid base, not only the highest (spec §4.3).
              q(pseudo('v1.0.1-0.', '2024-06-22T00:00:00Z', c3)),
            ],
            { suffix: 'sub', dir: 'sub' },
          ),
          moduleSpec(r, ['v2.0.0'], [q('v2.0.0', 'v2.0.0', { zip: zipOf(['go.mod', 'x.go', 'LICENSE'], license) }), q('latest', 'v2.0.0')], {
            suffix: 'sub/v2',
            dir: 'sub/v2',
          }),
          moduleSpec(r, ['v0.1.0'], [q('v0.1.0', 'v0.1.0', { zip: zipOf(['go.mod', 'd.go', 'LICENSE'], license) }), q('latest', 'v0.1.0')], {
            suffix: 'deep/er',
            dir: 'deep/er',
          }),
        ],
      };
    },
  },
  // Observed with Go 1.19 (direct):
  //   M/sub list [v1.0.0]; @v1.2.0+meta v1.2.1-0.20240627000000-5b3722a7bd9b
  //   M/sub@main v1.2.1-0.20240628000000-afbbabc8f51b (base v1.2.0 from sub/v1.2.0+meta; sub/v1.1 unusable)
  //   M/sub@v1.1 no matching versions (a prefix query over the list, never a tag lookup)
  //   M list [v9.0.0+incompatible]; M@v9.0.0 v9.0.0+incompatible, zip without sub/
  {
    name: 'subdir-odd-tags',
    about: 'subdirectory module with tags sub/v1.0.0, sub/v1.1, sub/v1.2.0+meta and a root v9.0.0 (spec §11 25)',
    async build({ repo }) {
      const r = await repo('subdir-odd-tags');
      await r.write({ 'a.go': 'package a\n', 'sub/go.mod': gomod(`${r.path}/sub`), 'sub/s.go': 'package sub\n' });
      await r.commit('one', '2024-06-25T00:00:00Z');
      await r.tag('sub/v1.0.0');
      await r.write({ 'sub/t.go': 'package sub\n' });
      await r.commit('two', '2024-06-26T00:00:00Z');
      await r.tag('sub/v1.1');
      await r.write({ 'sub/u.go': 'package sub\n' });
      const c3 = (await r.commit('three', '2024-06-27T00:00:00Z')).slice(0, 12);
      await r.tag('sub/v1.2.0+meta');
      await r.write({ 'b.go': 'package a\n' });
      const c4 = (await r.commit('four', '2024-06-28T00:00:00Z')).slice(0, 12);
      await r.tag('v9.0.0');
      return {
        modules: [
          moduleSpec(
            r,
            ['v1.0.0'],
            [
              q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 's.go']) }),
              q('v1.2.0+meta', pseudo('v1.2.1-0.', '2024-06-27T00:00:00Z', c3)),
              q('v1.1', fails(/no matching versions/)),
              q('main', pseudo('v1.2.1-0.', '2024-06-28T00:00:00Z', c4)),
              q('latest', 'v1.0.0'),
            ],
            { suffix: 'sub', dir: 'sub' },
          ),
          moduleSpec(r, ['v9.0.0+incompatible'], [
            q('v9.0.0', 'v9.0.0+incompatible', { mod: legacyMod(r.path), zip: zipOf(['a.go', 'b.go']) }),
          ]),
        ],
      };
    },
  },
  {
    name: 'nested-module',
    about: 'nested modules (tools/go.mod, b/GO.MOD) excluded from the parent zip; untagged nested module',
    async build({ repo }) {
      const r = await repo('nested-module');
      await r.write({
        'go.mod': gomod(r.path),
        'a.go': 'package a\n',
        'tools/go.mod': gomod(`${r.path}/tools`),
        'tools/t.go': 'package tools\n',
        'b/GO.MOD': 'module example.com/b\n',
        'b/b.go': 'package b\n',
        'docs/readme.md': '# docs\n',
      });
      const c1 = (await r.commit('one', '2024-07-01T00:00:00Z')).slice(0, 12);
      await r.tag('v1.0.0');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go', 'docs/readme.md']) }), q('latest', 'v1.0.0')]),
          moduleSpec(r, [], [q('latest', pseudo('v0.0.0-', '2024-07-01T00:00:00Z', c1), { zip: zipOf(['go.mod', 't.go']) })], {
            suffix: 'tools',
            dir: 'tools',
          }),
          // Observed: b/GO.MOD is not b/go.mod (git is case-sensitive), so M/b has no module at HEAD.
          moduleSpec(r, [], [q('latest', fails(/no matching versions for query "latest"/))], { suffix: 'b', dir: 'b' }),
        ],
      };
    },
  },
  {
    name: 'gomod-dir',
    about: 'a directory named go.mod at the root: no go.mod file (legacy .mod), go.mod/a.go zipped',
    async build({ repo }) {
      const r = await repo('gomod-dir');
      await r.write({ 'go.mod/a.go': 'package a\n', 'm.go': 'package m\n' });
      await r.commit('one', '2024-07-05T00:00:00Z');
      await r.tag('v1.0.0');
      return {
        modules: [moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { mod: legacyMod(r.path), zip: zipOf(['go.mod/a.go', 'm.go']) })])],
      };
    },
  },
  {
    name: 'license-inherit',
    about: 'root LICENSE added to subdirectory modules without one; own LICENSE, LICENSE.md, LICENSE symlink, root LICENSE a directory',
    async build({ repo }) {
      const r = await repo('license-inherit');
      await r.write({
        LICENSE: ROOT_LICENSE,
        'a/go.mod': gomod(`${r.path}/a`),
        'a/a.go': 'package a\n',
        'b/go.mod': gomod(`${r.path}/b`),
        'b/b.go': 'package b\n',
        'b/LICENSE': 'b license\n',
        'c/go.mod': gomod(`${r.path}/c`),
        'c/c.go': 'package c\n',
        'c/LICENSE.md': 'c license\n',
        'd/go.mod': gomod(`${r.path}/d`),
        'd/d.go': 'package d\n',
      });
      await r.symlink('d/LICENSE', '../LICENSE');
      await r.commit('one', '2024-07-10T00:00:00Z');
      await r.tags('a/v1.0.0', 'b/v1.0.0', 'c/v1.0.0', 'd/v1.0.0');
      await r.remove('LICENSE');
      await r.write({ 'LICENSE/README': 'a directory named LICENSE\n' });
      await r.commit('LICENSE is a directory', '2024-07-11T00:00:00Z');
      await r.tag('a/v1.1.0');
      const license = { LICENSE: ROOT_LICENSE };
      const sub = (name: string, files: string[], content: Record<string, string> = {}) =>
        moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(files, content) })], { suffix: name, dir: name });
      return {
        modules: [
          moduleSpec(
            r,
            ['v1.0.0', 'v1.1.0'],
            [
              q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go', 'LICENSE'], license) }),
              q('v1.1.0', 'v1.1.0', { zip: zipOf(['go.mod', 'a.go']) }), // root LICENSE is a directory: nothing added
            ],
            { suffix: 'a', dir: 'a' },
          ),
          sub('b', ['go.mod', 'b.go', 'LICENSE']),
          sub('c', ['go.mod', 'c.go', 'LICENSE.md', 'LICENSE'], license),
          sub('d', ['go.mod', 'd.go']),
        ],
      };
    },
  },
  {
    name: 'vendor-legacy',
    about: 'vendor directories under go 1.13 (legacy rule: modules.txt kept, any deeper /vendor/ dropped)',
    async build({ repo }) {
      const r = await repo('vendor-legacy');
      await r.write({ 'go.mod': gomod(r.path, '', '1.13'), ...VENDOR_TREE });
      await r.commit('one', '2024-07-15T00:00:00Z');
      await r.tag('v1.0.0');
      return { modules: [moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'm.go', 'vendor/modules.txt']) })])] };
    },
  },
  {
    name: 'vendor-go124',
    about: 'vendor directories under go 1.24 (Go 1.24 rule: modules.txt dropped, files directly in nested vendor/ kept)',
    expectDifference:
      'Go 1.24 (x/mod v0.22.0) changed the vendor rule for modules declaring go >= 1.24; the oracle is Go 1.19 ' +
      '(legacy rule), modgate follows the newest go command (spec §6.3, §9, §11 item 9): Sum written by hand',
    async build({ repo }) {
      const r = await repo('vendor-go124');
      await r.write({ 'go.mod': gomod(r.path, '', '1.24'), ...VENDOR_TREE });
      await r.commit('one', '2024-07-16T00:00:00Z');
      await r.tag('v1.0.0');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0'], [
            q('v1.0.0', 'v1.0.0', {
              zip: zipOf(['go.mod', 'm.go', 'vendor/modules.txt']),
              modgateZip: zipOf(['go.mod', 'm.go', 'sub/vendor/sub.txt', 'pkg/vendor/vendor.go']),
            }),
          ]),
        ],
      };
    },
  },
];
