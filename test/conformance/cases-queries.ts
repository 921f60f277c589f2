import { fails, gomod, moduleSpec, q } from './case-helpers.js';
import type { ConformanceCase } from './case-types.js';
import { pseudo } from './fixture-repo.js';

/** Branch, hash and pseudo-version queries (spec §3.2, §3.6, §4; §11 26-27). */
export const QUERY_CASES: ConformanceCase[] = [
  {
    name: 'branch-query',
    about: 'branch queries: main ahead of a tag, a branch on a tag, branches named like versions (one like a tag), upper-case branch',
    async build({ repo }) {
      const r = await repo('branch-query');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      await r.commit('one', '2024-07-20T00:00:00Z');
      await r.tag('v1.2.0');
      await r.branch('release');
      await r.write({ 'b.go': 'package a\n' });
      const c2 = (await r.commit('two', '2024-07-21T00:00:00Z')).slice(0, 12);
      await r.branch('v1.5.0');
      await r.branch('v1.2.0'); // same name as the tag on C1: the tag wins (spec §3.2)
      await r.branch('Feature'); // upper-case: escaped as !feature in proxy URLs
      const head = pseudo('v1.2.1-0.', '2024-07-21T00:00:00Z', c2);
      return {
        modules: [
          moduleSpec(r, ['v1.2.0'], [
            q('main', head),
            q('release', 'v1.2.0'),
            q('v1.5.0', fails(/v1\.5\.0 is not a tag/)),
            q('HEAD', head),
            q('v1.2.0'),
            q('Feature', head),
          ]),
        ],
      };
    },
  },
  {
    name: 'hash-query',
    about: 'commit-hash queries: 7/10/12/40 characters, tagged and untagged, on a side branch, upper-case, unreachable',
    async build({ repo }) {
      const r = await repo('hash-query');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      const c1 = await r.commit('one', '2024-07-25T00:00:00Z');
      await r.tag('v1.0.0');
      await r.write({ 'b.go': 'package a\n' });
      const c2 = await r.commit('two', '2024-07-26T00:00:00Z');
      await r.checkout('side', { create: true });
      await r.write({ 'd.go': 'package a\n' });
      const s1 = await r.commit('side', '2024-07-28T00:00:00Z');
      await r.checkout('main');
      await r.write({ 'c.go': 'package a\n' });
      const c3 = await r.commit('three', '2024-07-27T00:00:00Z');
      await r.tag('v1.1.0', { annotated: true });
      await r.write({ 'x.go': 'package a\n' });
      const dangling = await r.commit('dropped', '2024-07-29T00:00:00Z');
      await r.git(['reset', '-q', '--hard', 'HEAD~1']);
      const onC2 = pseudo('v1.0.1-0.', '2024-07-26T00:00:00Z', c2.slice(0, 12));
      return {
        modules: [
          moduleSpec(r, ['v1.0.0', 'v1.1.0'], [
            q(c1.slice(0, 7), 'v1.0.0'),
            q(c2.slice(0, 12), onC2),
            q(c2, onC2),
            q(c3.slice(0, 10), 'v1.1.0'),
            q(s1, pseudo('v1.0.1-0.', '2024-07-28T00:00:00Z', s1.slice(0, 12))),
            q(c2.slice(0, 9).toUpperCase(), fails(/unknown revision/)),
            q(dangling.slice(0, 12), fails(/unknown revision/)),
            // Observed: not fetched even by full hash over file:// (protocol v2).
            q(dangling, fails(/unknown revision/)),
          ]),
        ],
      };
    },
  },
  {
    name: 'pseudo-valid',
    about: 'requested pseudo-versions that validate: the generated one, v0.0.0 forms on tagged and untagged commits',
    async build({ repo }) {
      const r = await repo('pseudo-valid');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      const c1 = (await r.commit('one', '2024-08-01T00:00:00Z')).slice(0, 12);
      await r.tag('v1.2.0');
      await r.write({ 'b.go': 'package a\n' });
      const c2 = (await r.commit('two', '2024-08-02T03:04:05Z')).slice(0, 12);
      return {
        modules: [
          moduleSpec(r, ['v1.2.0'], [
            q(pseudo('v1.2.1-0.', '2024-08-02T03:04:05Z', c2)),
            q(pseudo('v0.0.0-', '2024-08-02T03:04:05Z', c2)),
            q(pseudo('v0.0.0-', '2024-08-01T00:00:00Z', c1)),
            q('latest', 'v1.2.0'),
          ]),
        ],
      };
    },
  },
  // Observed with Go 1.19 (direct), each "invalid pseudo-version: ..." unless noted:
  //   13-char hash   revision is longer than canonical (expected 776fefb3293d)
  //   11-char hash   revision is shorter than canonical (expected 776fefb3293d)
  //   time + 1 s     does not match version-control timestamp (expected 20240811000000)
  //   base v1.3.0    revision 776fefb3293d is not a descendent of preceding tag (v1.3.0)
  //   base v1.4.0    preceding tag (v1.4.0) not found
  //   v1.0.0-TS-REV  major version without preceding tag must be v0, not v1
  //   on C1 itself   tag (v1.2.0) found on revision 629e763fc527 is already canonical, ...
  //   v2.0.0-TS-REV  invalid version: module contains a go.mod file, so module path must match major version
  //   side commit    does not match version-control timestamp (expected 20240812000000)
  //   v1.3.0-0.…     version before v1.3.0 would have negative patch number
  {
    name: 'pseudo-invalid',
    about: 'requested pseudo-versions that must be refused (hash length, timestamp, base tag missing or not an ancestor, major)',
    async build({ repo }) {
      const r = await repo('pseudo-invalid');
      await r.write({ 'go.mod': gomod(r.path), 'a.go': 'package a\n' });
      const c1 = await r.commit('one', '2024-08-10T00:00:00Z');
      await r.tag('v1.2.0');
      await r.checkout('side', { create: true });
      await r.write({ 's.go': 'package a\n' });
      const s1 = await r.commit('side', '2024-08-12T00:00:00Z');
      await r.tag('v1.3.0');
      await r.checkout('main');
      await r.write({ 'b.go': 'package a\n' });
      const c2 = await r.commit('two', '2024-08-11T00:00:00Z');
      const t2 = '2024-08-11T00:00:00Z';
      return {
        modules: [
          moduleSpec(r, ['v1.2.0', 'v1.3.0'], [
            q(pseudo('v1.2.1-0.', t2, c2.slice(0, 13)), fails(/longer than canonical|does not match short/)),
            q(pseudo('v1.2.1-0.', t2, c2.slice(0, 11)), fails(/shorter than canonical|does not match short|unknown revision/)),
            q(pseudo('v1.2.1-0.', '2024-08-11T00:00:01Z', c2.slice(0, 12)), fails(/does not match version-control timestamp/)),
            q(pseudo('v1.3.1-0.', t2, c2.slice(0, 12)), fails(/not a descendent of preceding tag/)),
            q(pseudo('v1.4.1-0.', t2, c2.slice(0, 12)), fails(/preceding tag \(v1\.4\.0\) not found/)),
            q(pseudo('v1.0.0-', t2, c2.slice(0, 12)), fails(/must be v0, not v1/)),
            q(pseudo('v1.2.1-0.', '2024-08-10T00:00:00Z', c1.slice(0, 12)), fails(/already canonical/)),
            q(pseudo('v2.0.0-', t2, c2.slice(0, 12)), fails(/major version/)),
            q(pseudo('v1.2.1-0.', t2, s1.slice(0, 12)), fails(/does not match version-control timestamp|not a descendent/)),
            q(pseudo('v1.3.0-0.', t2, c2.slice(0, 12)), fails(/negative patch|invalid/)),
          ]),
        ],
      };
    },
  },
];
