import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gomod, legacyMod, moduleSpec, q, zipFails, zipOf } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';

const ROOT_LICENSE = 'root license\n';
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

/** What goes into a zip: names, attributes, symlinks, modes (spec §6, §11 29-30). */
export const FILE_CASES: ConformanceCase[] = [
  {
    name: 'file-level',
    about: '.hg/x, export-ignore, export-subst, testdata, .gitignored file kept; symlink, nested testdata module, submodule, .hg_archival.txt omitted',
    async build({ repo }) {
      const r = await repo('file-level');
      await r.write({
        'go.mod': gomod(r.path),
        'a.go': 'package a\n',
        '.hg/x': 'hg\n',
        'notes.txt': 'notes\n',
        'version.go': 'package a\n\nconst Version = "$Format:%H$"\n',
        '.gitattributes': 'notes.txt export-ignore\nversion.go export-subst\n',
        'testdata/t.txt': 'data\n',
        'testdata/mod/go.mod': 'module example.com/testmod\n',
        'testdata/mod/m.go': 'package m\n',
        '.hg_archival.txt': 'repo: 0000\n',
        '.gitignore': 'ignored.txt\n',
        'ignored.txt': 'committed anyway\n',
        'ünï.go': 'package a\n',
        '-dash.go': 'package a\n',
      });
      await r.symlink('link.go', 'a.go');
      await r.git(['add', '-A']);
      await r.git(['add', '-f', 'ignored.txt']);
      await r.git(['update-index', '--add', '--cacheinfo', '160000,1234567890abcdef1234567890abcdef12345678,lib']);
      await r.commitIndex('one', '2024-08-20T00:00:00Z');
      await r.tag('v1.0.0');
      const kept = ['go.mod', 'a.go', '.hg/x', 'notes.txt', 'version.go', '.gitattributes', 'testdata/t.txt'];
      return {
        modules: [moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf([...kept, '.gitignore', 'ignored.txt', 'ünï.go', '-dash.go']) })])],
      };
    },
  },
  {
    name: 'eol-crlf',
    about: '.gitattributes eol=crlf on *.txt, on go.mod (zip converted, .mod raw) and ident ($Id$ expanded)',
    async build({ repo }) {
      const r = await repo('eol-crlf');
      const goMod = gomod(r.path);
      const notes = 'line one\nline two\n';
      await r.write({ 'go.mod': goMod, 'a.go': 'package a\n', 'notes.txt': notes, '.gitattributes': '*.txt text eol=crlf\n' });
      await r.commit('one', '2024-08-25T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ '.gitattributes': '*.txt text eol=crlf\ngo.mod text eol=crlf\n' });
      await r.commit('two', '2024-08-26T00:00:00Z');
      await r.tag('v1.1.0');
      const withId = 'package a\n\n// $Id$\n';
      await r.write({ '.gitattributes': '*.txt text eol=crlf\n*.go ident\n', 'a.go': withId });
      await r.commit('three', '2024-08-27T00:00:00Z');
      await r.tag('v1.2.0');
      const blob = await r.git(['rev-parse', 'v1.2.0:a.go']);
      const files = ['go.mod', 'a.go', 'notes.txt', '.gitattributes'];
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0', 'v1.2.0'], [
            q('v1.0.0', 'v1.0.0', { zip: zipOf(files, { 'notes.txt': crlf(notes) }) }),
            q('v1.1.0', 'v1.1.0', { mod: goMod, zip: zipOf(files, { 'notes.txt': crlf(notes), 'go.mod': crlf(goMod) }) }),
            q('v1.2.0', 'v1.2.0', { zip: zipOf(files, { 'notes.txt': crlf(notes), 'a.go': withId.replace('$Id$', `$Id: ${blob} $`) }) }),
          ]),
        ],
      };
    },
  },
  // Observed with Go 1.19 (direct): .info/.mod succeed, the zip fails with "create zip: <file>:
  // malformed file path ..." ("aux" disallowed as path element component on Windows / invalid char
  // '\'' / invalid char '😀' / trailing dot in path element / invalid char ':' for the symlink) and
  // "GO.MOD: go.mod files must have lowercase names"; v1.4.0 (bad names only in a nested module and a
  // vendored directory, plus COM0.txt) succeeds.
  {
    name: 'refused-names',
    about: 'file names the zip must refuse (aux.go, quote, emoji, trailing dot, bad symlink name, root GO.MOD, invalid UTF-8, NFD accent); bad names in nested/vendored dirs harmless',
    async build({ repo }) {
      const r = await repo('refused-names');
      const zipError = /create zip: .*(malformed file path|go\.mod files must have lowercase names)/;
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n', 'aux.go': 'package a\n' });
      await r.commit('aux', '2024-09-01T00:00:00Z');
      await r.tag('v1.0.0');
      const steps: Array<[string, string, string]> = [
        ['aux.go', "it's.go", '2024-09-02T00:00:00Z'],
        ["it's.go", 'emoji😀.txt', '2024-09-03T00:00:00Z'],
        ['emoji😀.txt', 'dir./x.go', '2024-09-04T00:00:00Z'],
      ];
      for (const [index, [drop, add, date]] of steps.entries()) {
        await r.remove(drop);
        await r.write({ [add]: 'package a\n' });
        await r.commit(add, date);
        await r.tag(`v1.${index + 1}.0`);
      }
      await r.remove('dir.');
      await r.write({ 'nested/go.mod': 'module example.com/nested\n', "nested/x'.go": 'package x\n', "vendor/a/b'c.go": 'package a\n', 'COM0.txt': 'ok\n' });
      await r.commit('harmless', '2024-09-05T00:00:00Z');
      await r.tag('v1.4.0');
      await r.symlink('bad:link', 'a.go');
      await r.commit('bad symlink', '2024-09-06T00:00:00Z');
      await r.tag('v1.5.0');
      await r.remove('bad:link', 'go.mod');
      await r.write({ 'GO.MOD': gomod(r.path) });
      await r.commit('upper-case GO.MOD', '2024-09-07T00:00:00Z');
      await r.tag('v1.6.0');
      await r.remove('GO.MOD');
      await r.write({ 'go.mod': gomod(r.path) });
      await r.git(['add', '-A']);
      await r.stageRawName(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x67, 0x6f]), 'package a\n'); // "bad\xff.go"
      await r.commitIndex('invalid UTF-8 name', '2024-09-08T00:00:00Z');
      await r.tag('v1.7.0');
      await r.write({ 'cafe\u0301.go': 'package a\n' }); // NFD: U+0301 is a combining mark, not a letter
      await r.commit('NFD name', '2024-09-09T00:00:00Z');
      await r.tag('v1.8.0');
      const versions = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.5.0', 'v1.6.0', 'v1.7.0', 'v1.8.0'];
      return {
        modules: [
          moduleSpec(r, versions, [
            zipFails('v1.0.0', 'v1.0.0', zipError),
            zipFails('v1.1.0', 'v1.1.0', zipError),
            zipFails('v1.2.0', 'v1.2.0', zipError),
            zipFails('v1.3.0', 'v1.3.0', zipError),
            q('v1.4.0', 'v1.4.0', { zip: zipOf(['go.mod', 'a.go', 'COM0.txt']) }),
            zipFails('v1.5.0', 'v1.5.0', zipError),
            { ...zipFails('v1.6.0', 'v1.6.0', zipError), mod: legacyMod(r.path) },
            zipFails('v1.7.0', 'v1.7.0', zipError),
            zipFails('v1.8.0', 'v1.8.0', zipError),
          ]),
        ],
      };
    },
  },
  // Observed with Go 1.19 (direct): "case-insensitive file name collision" for README/readme,
  // Dir/dir, K.go/\u212a.go (Kelvin sign) and \u01c5.go/\u01c6.go; İ.go+i.go and ß.go+ss.go are fine.
  {
    name: 'case-collision',
    about: 'case-insensitive collisions (README/readme, Dir/dir, K/Kelvin sign, DŽ/dž titlecase) refused; İ/i and ß/ss not colliding',
    async build({ repo }) {
      const r = await repo('case-collision');
      const zipError = /create zip: .*case-insensitive file name collision/;
      await r.write({ 'go.mod': gomod(r.path), README: 'upper\n', readme: 'lower\n' });
      await r.commit('readme', '2024-09-10T00:00:00Z');
      await r.tag('v1.0.0');
      await r.remove('readme');
      await r.write({ 'Dir/a.go': 'package dir\n', 'dir/b.go': 'package dir\n' });
      await r.commit('dir', '2024-09-11T00:00:00Z');
      await r.tag('v1.1.0');
      await r.remove('Dir', 'dir');
      await r.write({ 'K.go': 'package a\n', '\u212a.go': 'package a\n' });
      await r.commit('kelvin', '2024-09-12T00:00:00Z');
      await r.tag('v1.2.0');
      await r.remove('K.go', '\u212a.go');
      await r.write({ 'İ.go': 'package a\n', 'i.go': 'package a\n', 'ß.go': 'package a\n', 'ss.go': 'package a\n' });
      await r.commit('no collision', '2024-09-13T00:00:00Z');
      await r.tag('v1.3.0');
      await r.write({ '\u01c5.go': 'package a\n', '\u01c6.go': 'package a\n' });
      await r.commit('titlecase', '2024-09-14T00:00:00Z');
      await r.tag('v1.4.0');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0'], [
            zipFails('v1.0.0', 'v1.0.0', zipError),
            zipFails('v1.1.0', 'v1.1.0', zipError),
            zipFails('v1.2.0', 'v1.2.0', zipError),
            q('v1.3.0', 'v1.3.0', { zip: zipOf(['go.mod', 'README', 'İ.go', 'i.go', 'ß.go', 'ss.go']) }),
            zipFails('v1.4.0', 'v1.4.0', zipError),
          ]),
        ],
      };
    },
  },
  {
    name: 'symlinks',
    about: 'symlinks omitted (file, dir, outside, broken); a LICENSE symlink in a subdir suppresses the root LICENSE; a root LICENSE symlink is copied as its link text',
    async build({ repo }) {
      const r = await repo('symlinks');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n', 'pkg/p.go': 'package pkg\n' });
      await r.symlink('link.go', 'a.go');
      await r.symlink('pkglink', 'pkg');
      await r.symlink('outside', '../../etc/passwd');
      await r.symlink('broken', 'nope');
      await r.commit('one', '2024-09-20T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ LICENSE: ROOT_LICENSE, 'sub/go.mod': gomod(`${r.path}/sub`), 'sub/s.go': 'package sub\n' });
      await r.symlink('sub/LICENSE', '../LICENSE');
      await r.commit('two', '2024-09-21T00:00:00Z');
      await r.tags('v1.1.0', 'sub/v1.0.0');
      await r.remove('LICENSE');
      await r.write({ COPYING: ROOT_LICENSE, 'sub2/go.mod': gomod(`${r.path}/sub2`), 'sub2/x.go': 'package sub2\n' });
      await r.symlink('LICENSE', 'COPYING');
      await r.commit('three', '2024-09-22T00:00:00Z');
      await r.tag('sub2/v1.0.0');
      const base = ['go.mod', 'a.go', 'pkg/p.go'];
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0'], [
            q('v1.0.0', 'v1.0.0', { zip: zipOf(base) }),
            q('v1.1.0', 'v1.1.0', { zip: zipOf([...base, 'LICENSE']) }),
          ]),
          moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 's.go']) })], { suffix: 'sub', dir: 'sub' }),
          moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'x.go', 'LICENSE'], { LICENSE: 'COPYING' }) })], {
            suffix: 'sub2',
            dir: 'sub2',
          }),
        ],
      };
    },
  },
  {
    name: 'executable',
    about: 'an executable file (mode 100755) is zipped like any other',
    async build({ repo }) {
      const r = await repo('executable');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n', 'run.sh': '#!/bin/sh\necho hi\n' });
      await r.chmodExec('run.sh');
      await r.commit('one', '2024-09-25T00:00:00Z');
      await r.tag('v1.0.0');
      return { modules: [moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go', 'run.sh']) })])] };
    },
  },
  {
    name: 'empty-dir',
    about: 'git cannot store an empty directory: a .gitkeep-only directory is zipped as that file, a truly empty one is absent',
    async build({ repo }) {
      const r = await repo('empty-dir');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n', 'empty/.gitkeep': '' });
      await mkdir(join(r.dir, 'really-empty'));
      await r.commit('one', '2024-09-28T00:00:00Z');
      await r.tag('v1.0.0');
      return { modules: [moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go', 'empty/.gitkeep']) })])] };
    },
  },
];
