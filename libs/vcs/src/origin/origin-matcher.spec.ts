import type { OriginConfig } from '#config';
import { OriginMatcher } from './origin-matcher.js';

const acme: OriginConfig = { pattern: 'github.com/acme/*', url: 'https://github.com/acme/{repo}.git', discoveryScheme: 'https' };
const corp: OriginConfig = { pattern: 'git.corp.example/platform/...', url: 'https://git.corp.example/{root}.git', discoveryScheme: 'https' };
const matcher = new OriginMatcher([acme, corp]);

describe('OriginMatcher claims every spelling of a private path', () => {
  const cases: Array<[string, string, OriginConfig | null, string | null]> = [
    ['the configured spelling', 'github.com/acme/secret', acme, null],
    ['another spelling of the repository element', 'github.com/acme/Secret', acme, null],
    ['another spelling of the org', 'github.com/Acme/secret', acme, 'github.com/acme/secret'],
    ['another spelling of the host', 'GitHub.com/acme/secret/v2', acme, 'github.com/acme/secret/v2'],
    ['a parent, spelled differently', 'github.com/ACME', acme, 'github.com/acme'],
    ['the host alone, spelled differently', 'GITHUB.COM', acme, 'github.com'],
    ['a nested group origin, spelled differently', 'git.corp.example/Platform/api', corp, 'git.corp.example/platform/api'],
    ['a lookalike org', 'github.com/acmecorp/x', null, null],
    ['a lookalike org, spelled differently', 'github.com/Acmecorp/x', null, null],
    ['a public path', 'golang.org/x/text', null, null],
  ];
  it.each(cases)('%s: %s', (_name, path, origin, spelling) => {
    expect(matcher.claims(path)).toBe(origin);
    expect(matcher.configuredSpelling(path)).toBe(spelling);
  });

  it('resolves only the configured spelling to a repository', async () => {
    expect(await matcher.resolve('github.com/acme/secret')).toEqual({ origin: acme, codeRoot: 'github.com/acme/secret', repoUrl: 'https://github.com/acme/secret.git' });
    expect(await matcher.resolve('github.com/Acme/secret')).toBeNull();
  });

  it('makes no repository URL from a name git would decode into another path', async () => {
    expect(await matcher.resolve('github.com/acme/widget%2f..%2fsecret')).toBeNull();
    expect(await matcher.resolve('github.com/acme/..')).toBeNull();
  });
});
