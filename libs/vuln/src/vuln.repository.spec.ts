import { join } from 'node:path';
import { AuthEvents } from '#auth';
import type { ModgateConfig } from '#config';
import { openDatabase, type Database } from '#db';
import { makeTempDir, removeDir, vulnDbFiles, writeVulnDb, type AdvisoryFixture } from '../../../test/support/index.js';
import { AdvisoryIndexService } from './advisory-index.service.js';
import { DirectoryFeedSource } from './feed-source.js';
import { readFeed } from './read-feed.js';
import { VulnRepository } from './vuln.repository.js';

const advisory = (id: string, modified: string, fixed: string): AdvisoryFixture => ({
  id,
  modified,
  aliases: [`CVE-${id.slice(3)}`],
  affected: [{ module: 'github.com/acme/lib', ranges: [[{ introduced: '0' }, { fixed }]] }],
});

/** The stored database and the in-memory index on embedded PGlite (the real engine of the default install). */
describe('vulnerability database in PGlite', () => {
  let dir: string;
  let db: Database;
  let repository: VulnRepository;
  let index: AdvisoryIndexService;

  beforeAll(async () => {
    dir = await makeTempDir('modgate-vuln-db-');
    db = await openDatabase({ kind: 'pglite', dir: join(dir, 'db') });
    repository = new VulnRepository(db.sql);
    index = new AdvisoryIndexService(repository, new AuthEvents({ database: { kind: 'pglite' } } as ModgateConfig, db));
  });

  afterAll(async () => {
    index?.onApplicationShutdown();
    await db?.close();
    await removeDir(dir);
  });

  const importFeed = async (advisories: AdvisoryFixture[]) => {
    const feed = join(dir, `feed-${Math.random().toString(36).slice(2)}`);
    const files = vulnDbFiles(advisories);
    await writeVulnDb(feed, files);
    const update = await readFeed(new DirectoryFeedSource(feed), await repository.storedModified());
    const state = await repository.apply(update, feed);
    await index.refresh();
    return { files, update, state };
  };

  it('stores every file byte for byte and rebuilds the index from the rows', async () => {
    const { files, state } = await importFeed([advisory('GO-2099-0001', '2099-01-01T00:00:00Z', '1.1.0'), advisory('GO-2099-0002', '2099-01-01T00:00:00Z', '2.0.0')]);
    expect(state.generation).toBe(1);
    expect((await repository.entryBody('GO-2099-0001'))!.equals(files.get('ID/GO-2099-0001.json')!)).toBe(true);
    expect((await repository.indexFile('index/modules.json'))!.equals(files.get('index/modules.json')!)).toBe(true);
    expect(index.affecting('github.com/acme/lib', 'v1.5.0').map((h) => h.id)).toEqual(['GO-2099-0002']);
    expect(await repository.count()).toBe(2);
  });

  it('reads and writes only changed entries, removes dropped ones, and bumps the generation', async () => {
    const { update, state } = await importFeed([advisory('GO-2099-0001', '2099-02-01T00:00:00Z', '1.6.0')]);
    expect(update.changed.map((c) => c.entry.id)).toEqual(['GO-2099-0001']);
    expect(update.removed).toEqual(['GO-2099-0002']);
    expect(state.generation).toBe(2);
    expect(index.affecting('github.com/acme/lib', 'v1.5.0')).toEqual([{ id: 'GO-2099-0001', aliases: ['CVE-2099-0001'], fixed: 'v1.6.0' }]);
    expect((await repository.state())!.generation).toBe(2);
  });

  it('claims each exception audit once', async () => {
    expect(await repository.claimExceptionAudit('made:abc')).toBe(true);
    expect(await repository.claimExceptionAudit('made:abc')).toBe(false);
  });
});
