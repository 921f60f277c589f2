import type { OriginConfig } from '#config';
import { UpstreamNotFoundError, type ModuleSource } from '#upstream';
import { OriginMatcher } from '#vcs';
import { ModuleSourceRouter } from './module-source.router.js';

/** A ModuleSource stand-in that records the paths it is asked about (mock). */
function recordingSource(kind: 'upstream' | 'private'): ModuleSource & { asked: string[] } {
  const asked: string[] = [];
  const answer = async (modulePath: string) => {
    asked.push(modulePath);
    return { raw: Buffer.from(''), info: { Version: 'v1.0.0' } };
  };
  return {
    kind,
    asked,
    list: async (modulePath) => (asked.push(modulePath), []),
    latest: answer,
    info: answer,
    mod: answer,
    zipToFile: async (modulePath) => (asked.push(modulePath), { size: 0 }),
  };
}

const origin: OriginConfig = { pattern: 'github.com/acme/*', url: 'https://github.com/acme/{repo}.git', discoveryScheme: 'https' };

describe('ModuleSourceRouter (recording sources, mock)', () => {
  const upstream = recordingSource('upstream');
  const privateSource = recordingSource('private');
  const router = new ModuleSourceRouter(upstream, privateSource, new OriginMatcher([origin]));

  it('sends public paths upstream and private ones to the private origin', async () => {
    await router.sourceFor('golang.org/x/text').list('golang.org/x/text');
    await router.sourceFor('github.com/acme/secret').list('github.com/acme/secret');
    expect(upstream.asked).toEqual(['golang.org/x/text']);
    expect(privateSource.asked).toEqual(['github.com/acme/secret']);
  });

  it('answers a case variant of a private path "not found" naming its spelling, asking no source', async () => {
    upstream.asked.length = 0;
    privateSource.asked.length = 0;
    for (const path of ['github.com/Acme/secret', 'github.com/ACME', 'GitHub.com']) {
      expect(router.isPrivate(path)).toBe(true);
      const source = router.sourceFor(path);
      expect(source.kind).toBe('private');
      await expect(source.list(path)).rejects.toThrow(UpstreamNotFoundError);
      await expect(source.zipToFile(path, 'v1.0.0', '/nonexistent')).rejects.toThrow(UpstreamNotFoundError);
    }
    await expect(router.sourceFor('github.com/Acme/secret').latest('github.com/Acme/secret')).rejects.toThrow(
      'not found: a case variant of the private path github.com/acme/secret, which is served only as spelled there',
    );
    expect([...upstream.asked, ...privateSource.asked]).toEqual([]);
  });
});
