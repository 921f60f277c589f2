import { fails, gomod, legacyMod, moduleSpec, q, zipOf } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import { pseudo } from './fixture-repo.js';

/** Root modules: tag kinds, prerelease and build metadata, `latest`, odd go.mod files. */
export const VERSION_CASES: ConformanceCase[] = [
  {
    name: 'root-basic',
    about: 'root module: tags, latest, main, HEAD, semver prefix and comparison queries',
    async build({ repo }) {
      const r = await repo('root-basic');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-01-01T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('two', '2024-01-02T00:00:00Z');
      await r.tag('v1.1.0');
      await r.write({ 'c.go': 'package a\n' });
      const head = pseudo('v1.1.1-0.', '2024-01-03T00:00:00Z', await r.short(await r.commit('three', '2024-01-03T00:00:00Z')));
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0'], [
            q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go']) }),
            q('v1.1.0'),
            q('latest', 'v1.1.0'),
            q('main', head, { zip: zipOf(['go.mod', 'a.go', 'b.go', 'c.go']) }),
            q('HEAD', head),
            q('v1.0', 'v1.0.0'),
            q('v1', 'v1.1.0'),
            q('<v1.1.0', 'v1.0.0'),
            q('v1.2.0', fails(/unknown revision v1.2.0/)),
            q('nosuchbranch', fails(/unknown revision nosuchbranch/)),
          ]),
        ],
      };
    },
  },
  {
    name: 'annotated-lightweight',
    about: 'lightweight and annotated tags (tagger date ignored), a tag of a tag, highest tag on a commit, tag-object hash',
    async build({ repo }) {
      const r = await repo('annotated-lightweight');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-01-05T10:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ 'b.go': 'package a\n' });
      const c2 = await r.commit('two', '2024-01-06T11:30:00Z');
      await r.tag('v1.1.0', { annotated: true, message: 'release 1.1', date: '2024-06-01T00:00:00Z' });
      await r.write({ 'c.go': 'package a\n' });
      await r.commit('three', '2024-01-07T12:00:00Z');
      await r.tag('v1.2.0', { annotated: true });
      await r.tag('v1.2.0-alias');
      await r.tag('v1.3.0', { annotated: true, ref: 'v1.2.0' }); // a tag of a tag: peeled twice
      const tagObject = await r.git(['rev-parse', 'v1.1.0']);
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0', 'v1.2.0-alias', 'v1.2.0', 'v1.3.0'], [
            q('v1.0.0'),
            q('v1.1.0'),
            q('v1.2.0'),
            q('v1.2.0-alias'),
            q('v1.3.0'),
            q('latest', 'v1.3.0'),
            q('main', 'v1.3.0'),
            q(c2.slice(0, 8), 'v1.1.0'),
            // Observed with Go 1.19: the hash of an annotated tag *object* (not a commit) resolves too —
            // git peels it — by prefix and in full.
            q(tagObject.slice(0, 12), 'v1.1.0'),
            q(tagObject, 'v1.1.0'),
          ]),
        ],
      };
    },
  },
  // Observed with Go 1.19 (direct):
  //   list            v1.0.0-beta.1 v1.0.0-rc.1 v1.1.0-RC1 v1.3.0   (v1.0.0+build and v1.3.0+build not listed)
  //   @v1.0.0+build   v1.0.1-0.20240203000000-406690f3abd9         (the tag is a base, never a version)
  //   @v1.0.0         unknown revision v1.0.0
  //   @v1.1.0-RC1+x   v1.1.0-RC1                                   (no such tag: canonical form retried)
  //   @v1.3.0+build   v1.3.0                                       (canonical tag on the same commit wins)
  {
    name: 'prerelease-build',
    about: 'prerelease tags (one upper-case: version escaping), build-metadata tags alone and beside a canonical tag',
    async build({ repo }) {
      const r = await repo('prerelease-build');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('beta', '2024-02-01T00:00:00Z');
      await r.tag('v1.0.0-beta.1');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('rc', '2024-02-02T00:00:00Z');
      await r.tag('v1.0.0-rc.1', { annotated: true });
      await r.write({ 'c.go': 'package a\n' });
      const c3 = await r.commit('build', '2024-02-03T00:00:00Z');
      await r.tag('v1.0.0+build');
      await r.write({ 'd.go': 'package a\n' });
      await r.commit('RC', '2024-02-04T00:00:00Z');
      await r.tag('v1.1.0-RC1');
      await r.write({ 'e.go': 'package a\n' });
      await r.commit('release', '2024-02-05T00:00:00Z');
      await r.tags('v1.3.0+build', 'v1.3.0'); // a build-metadata tag beside its canonical one
      const buildPseudo = pseudo('v1.0.1-0.', '2024-02-03T00:00:00Z', c3.slice(0, 12));
      return {
        modules: [
          moduleSpec(r, ['v1.0.0-beta.1', 'v1.0.0-rc.1', 'v1.1.0-RC1', 'v1.3.0'], [
            q('v1.0.0-beta.1'),
            q('v1.0.0-rc.1'),
            q('v1.1.0-RC1'),
            q('v1.0.0+build', buildPseudo),
            q(c3.slice(0, 12), buildPseudo),
            q('v1.0.0', fails(/unknown revision v1.0.0/)),
            // No such tag: the client retries the canonical form (spec §4.4).
            q('v1.1.0-RC1+x', 'v1.1.0-RC1'),
            q('v1.3.0+build', 'v1.3.0'),
            q('latest', 'v1.3.0'),
            q('main', 'v1.3.0'),
          ]),
        ],
      };
    },
  },
  {
    name: 'non-default-branch',
    about: 'a tag on a branch that is not the default one, a tag on a commit no branch reaches; pseudo-versions on both branches',
    async build({ repo }) {
      const r = await repo('non-default-branch');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-03-01T00:00:00Z');
      await r.tag('v1.0.0');
      await r.checkout('feature', { create: true });
      await r.write({ 'f.go': 'package a\n' });
      const f1 = await r.commit('feature one', '2024-03-02T00:00:00Z');
      await r.tag('v1.1.0');
      await r.write({ 'g.go': 'package a\n' });
      const f2 = await r.commit('feature two', '2024-03-03T00:00:00Z');
      await r.checkout('main');
      await r.git(['checkout', '-q', '--detach']);
      await r.write({ 't.go': 'package a\n' });
      const tagOnly = await r.commit('only tagged', '2024-03-04T00:00:00Z');
      await r.tag('v1.2.0'); // on a commit no branch reaches
      await r.checkout('main');
      await r.write({ 'm.go': 'package a\n' });
      const c2 = await r.commit('main two', '2024-03-05T00:00:00Z');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0', 'v1.2.0'], [
            q('v1.0.0'),
            q('v1.1.0', 'v1.1.0', { zip: zipOf(['go.mod', 'a.go', 'f.go']) }),
            q('v1.2.0', 'v1.2.0', { zip: zipOf(['go.mod', 'a.go', 't.go']) }),
            q('latest', 'v1.2.0'),
            q('main', pseudo('v1.0.1-0.', '2024-03-05T00:00:00Z', c2.slice(0, 12))),
            q('feature', pseudo('v1.1.1-0.', '2024-03-03T00:00:00Z', f2.slice(0, 12))),
            q(f1.slice(0, 8), 'v1.1.0'),
            q(tagOnly.slice(0, 12), 'v1.2.0'),
          ]),
        ],
      };
    },
  },
  {
    name: 'UpperRepo',
    about: 'upper-case module path elements (path escaping), an upper-case subdirectory module',
    async build({ repo }) {
      const r = await repo('UpperRepo');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n', 'Sub/go.mod': gomod(`${r.path}/Sub`), 'Sub/s.go': 'package s\n' });
      await r.commit('one', '2024-03-10T00:00:00Z');
      await r.tags('v1.0.0', 'Sub/v0.1.0');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('two', '2024-03-11T00:00:00Z');
      await r.tag('v1.1.0-Beta');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0-Beta'], [
            q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go']) }),
            q('v1.1.0-Beta'),
            q('latest', 'v1.0.0'),
            q('main', 'v1.1.0-Beta'),
          ]),
          moduleSpec(r, ['v0.1.0'], [q('v0.1.0', 'v0.1.0', { zip: zipOf(['go.mod', 's.go']) }), q('latest', 'v0.1.0')], {
            suffix: 'Sub',
            dir: 'Sub',
          }),
        ],
      };
    },
  },
  {
    name: 'latest-untagged',
    about: 'no semver tags: empty list, latest and branch give v0.0.0 pseudo-versions, a non-semver tag',
    async build({ repo }) {
      const r = await repo('latest-untagged');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      const c1 = await r.commit('one', '2024-03-20T00:00:00Z');
      await r.tag('release-1');
      await r.write({ 'b.go': 'package a\n' });
      const c2 = await r.commit('two', '2024-03-21T08:09:10Z');
      const head = pseudo('v0.0.0-', '2024-03-21T08:09:10Z', c2.slice(0, 12));
      return {
        modules: [
          moduleSpec(r, [], [
            q('latest', head),
            q('main', head),
            q('release-1', pseudo('v0.0.0-', '2024-03-20T00:00:00Z', c1.slice(0, 12))),
          ]),
        ],
      };
    },
  },
  // Observed with Go 1.19 (direct):
  //   @v1.1.0          v1.1.0 (a retracted tag still resolves)
  //   @latest          v1.0.0
  //   @main, @HEAD     v1.0.1-0.20240403000000-63ba3219cd74 (base v1.0.0, not the retracted v1.1.0)
  //   @<v1.1.0 commit> v1.0.1-0.20240402000000-73b5a4a2ddff — a pseudo-version for the very commit
  //                    tagged v1.1.0, because retracted tags are skipped as "highest tag on the commit"
  {
    name: 'retraction',
    about: 'v1.1.0 retracts itself: still listed and downloadable, skipped by latest and as pseudo-version base',
    async build({ repo }) {
      const r = await repo('retraction');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-04-01T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ 'go.mod': gomod(r.path, '\nretract v1.1.0 // published by mistake\n') });
      const c2 = await r.commit('two', '2024-04-02T00:00:00Z');
      await r.tag('v1.1.0');
      await r.write({ 'b.go': 'package a\n' });
      const c3 = await r.commit('three', '2024-04-03T00:00:00Z');
      const head = pseudo('v1.0.1-0.', '2024-04-03T00:00:00Z', c3.slice(0, 12));
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0'], [
            q('v1.1.0'),
            q('latest', 'v1.0.0'),
            q('main', head),
            q('HEAD', head),
            q(c2.slice(0, 12), pseudo('v1.0.1-0.', '2024-04-02T00:00:00Z', c2.slice(0, 12))),
          ]),
        ],
      };
    },
  },
  {
    name: 'no-gomod-v1',
    about: 'no go.mod (legacy module): synthesised .mod for v0 and v1 tags',
    async build({ repo }) {
      const r = await repo('no-gomod-v1');
      await r.write({ 'a.go': 'package a\n' });
      await r.commit('one', '2024-04-10T00:00:00Z');
      await r.tag('v0.1.0');
      await r.write({ 'b.go': 'package a\n' });
      await r.commit('two', '2024-04-11T00:00:00Z');
      await r.tag('v1.0.0');
      return {
        modules: [
          moduleSpec(r, ['v0.1.0', 'v1.0.0'], [
            q('v0.1.0', 'v0.1.0', { zip: zipOf(['a.go']), mod: legacyMod(r.path) }),
            q('v1.0.0', 'v1.0.0', { zip: zipOf(['a.go', 'b.go']), mod: legacyMod(r.path) }),
            q('latest', 'v1.0.0'),
            q('main', 'v1.0.0'),
          ]),
        ],
      };
    },
  },
  {
    name: 'other-module-path',
    about: 'go.mod declaring a different module path (module example.com/other) is served anyway',
    async build({ repo }) {
      const r = await repo('other-module-path');
      await r.write({ 'go.mod': 'module example.com/other\n', 'a.go': 'package a\n' });
      await r.commit('one', '2024-04-20T00:00:00Z');
      await r.tag('v1.0.0');
      return { modules: [moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go']) }), q('latest', 'v1.0.0')])] };
    },
  },
  {
    name: 'quoted-crlf-gomod',
    about: 'go.mod with a quoted module path, CRLF line ends and no final newline: raw bytes served and hashed',
    async build({ repo }) {
      const r = await repo('quoted-crlf-gomod');
      const goMod = `// CRLF, quoted path, no final newline\r\nmodule "${r.path}" // quoted\r\n\r\ngo 1.16\r\n// end`;
      await r.write({ 'go.mod': goMod, 'a.go': 'package a\r\n' });
      await r.commit('one', '2024-04-25T00:00:00Z');
      await r.tag('v1.0.0');
      return {
        modules: [
          moduleSpec(r, ['v1.0.0'], [q('v1.0.0', 'v1.0.0', { zip: zipOf(['go.mod', 'a.go']) }), q('latest', 'v1.0.0'), q('main', 'v1.0.0')]),
        ],
      };
    },
  },
];
