import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeDir, vulnDbFiles, writeVulnDb, zipVulnDb, type AdvisoryFixture } from '../../../test/support/index.js';
import { AdvisoryIndex, describeHits } from './advisory-index.js';
import { DirectoryFeedSource, ZipFeedSource } from './feed-source.js';
import { FeedError } from './osv-entry.js';
import { readFeed } from './read-feed.js';

const ALPHA: AdvisoryFixture = {
  id: 'GO-2099-0001',
  modified: '2099-01-02T00:00:00Z',
  published: '2099-01-01T00:00:00Z',
  aliases: ['CVE-2099-0001', 'GHSA-aaaa-bbbb-cccc'],
  affected: [{ module: 'github.com/fixture/alpha', ranges: [[{ introduced: '0' }, { fixed: '1.1.0' }]] }],
};
const WITHDRAWN: AdvisoryFixture = {
  id: 'GO-2099-0003',
  modified: '2099-01-02T00:00:00Z',
  withdrawn: '2099-01-02T00:00:00Z',
  affected: [{ module: 'github.com/fixture/beta/v2', ranges: [[{ introduced: '0' }]] }],
};
const STDLIB: AdvisoryFixture = { id: 'GO-2099-0004', modified: '2099-01-02T00:00:00Z', affected: [{ module: 'stdlib', ranges: [[{ introduced: '0' }, { fixed: '1.21.1' }]] }] };

describe('reading a Go vulnerability database feed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('vuln-feed-');
  });
  afterEach(async () => removeDir(dir));

  it('reads every entry the first time and only the changed ones after', async () => {
    await writeVulnDb(dir, vulnDbFiles([ALPHA, WITHDRAWN, STDLIB]));
    const first = await readFeed(new DirectoryFeedSource(dir), new Map());
    expect(first.changed.map((c) => c.entry.id).sort()).toEqual(['GO-2099-0001', 'GO-2099-0003', 'GO-2099-0004']);
    const stored = new Map(first.changed.map((c) => [c.entry.id, c.listed]));
    await writeVulnDb(dir, vulnDbFiles([{ ...ALPHA, modified: '2099-02-01T00:00:00Z' }, WITHDRAWN]));
    const second = await readFeed(new DirectoryFeedSource(dir), stored);
    expect(second.changed.map((c) => c.entry.id)).toEqual(['GO-2099-0001']);
    expect(second.removed).toEqual(['GO-2099-0004']);
  });

  it('indexes advisories in force by module, case-folded, without withdrawn and stdlib entries', async () => {
    const zip = await zipVulnDb(vulnDbFiles([ALPHA, WITHDRAWN, STDLIB]));
    const update = await readFeed(await ZipFeedSource.open(zip, 'zip', 100), new Map());
    const index = new AdvisoryIndex(update.changed.map((c) => c.entry));
    expect(index.size).toBe(2);
    const hits = index.affecting('github.com/Fixture/Alpha', 'v1.0.0');
    expect(hits).toEqual([{ id: 'GO-2099-0001', aliases: ['CVE-2099-0001', 'GHSA-aaaa-bbbb-cccc'], fixed: 'v1.1.0' }]);
    expect(describeHits(hits)).toBe('GO-2099-0001 (CVE-2099-0001, GHSA-aaaa-bbbb-cccc); fixed in v1.1.0');
    expect(index.affecting('github.com/fixture/alpha', 'v1.1.0')).toEqual([]);
    expect(index.affecting('github.com/fixture/beta/v2', 'v2.0.0')).toEqual([]);
  });

  it('reads a zip whose files sit under one folder', async () => {
    const files = new Map([...vulnDbFiles([ALPHA])].map(([name, body]) => [`vulndb/${name}`, body]));
    const update = await readFeed(await ZipFeedSource.open(await zipVulnDb(files), 'zip', 100), new Map());
    expect(update.changed.map((c) => c.entry.id)).toEqual(['GO-2099-0001']);
  });

  const hostile: Array<{ name: string; change: (files: Map<string, Buffer>) => void; message: RegExp }> = [
    { name: 'an entry that is not JSON', change: (f) => f.set('ID/GO-2099-0001.json', Buffer.from('{"id": "GO-2099-0001",')), message: /ID\/GO-2099-0001.json: not JSON/ },
    { name: 'an index that is not JSON', change: (f) => f.set('index/modules.json', Buffer.from('[{')), message: /index\/modules.json: not JSON/ },
    { name: 'a path traversal in an id', change: (f) => f.set('index/vulns.json', Buffer.from(JSON.stringify([{ id: '../x', modified: '2099-01-01T00:00:00Z' }]))), message: /"\.\.\/x" is not an advisory id/ },
    { name: 'an entry over the size limit', change: (f) => f.set('ID/GO-2099-0001.json', Buffer.alloc(2 << 20, 32)), message: /more than the 1048576 allowed/ },
    { name: 'an entry naming another id', change: (f) => f.set('ID/GO-2099-0001.json', f.get('ID/GO-2099-0003.json')!), message: /holds advisory GO-2099-0003/ },
    { name: 'a listed entry that is missing', change: (f) => f.delete('ID/GO-2099-0003.json'), message: /ID\/GO-2099-0003.json: listed in the index but missing/ },
    { name: 'a bad range', change: (f) => f.set('ID/GO-2099-0001.json', Buffer.from(f.get('ID/GO-2099-0001.json')!.toString().replace('"1.1.0"', '"one"'))), message: /is not a semantic version/ },
  ];
  for (const { name, change, message } of hostile) {
    it(`refuses ${name}`, async () => {
      const files = vulnDbFiles([ALPHA, WITHDRAWN]);
      change(files);
      await writeVulnDb(dir, files);
      await expect(readFeed(new DirectoryFeedSource(dir), new Map())).rejects.toThrow(message);
      await expect(readFeed(await ZipFeedSource.open(await zipVulnDb(files), 'zip', 100), new Map())).rejects.toThrow(FeedError);
    });
  }

  it('refuses a zip entry that climbs out of the archive', async () => {
    const files = vulnDbFiles([ALPHA]);
    files.set('ID/../../evil.json', Buffer.from('{}'));
    await expect(ZipFeedSource.open(await zipVulnDb(files), 'zip', 100)).rejects.toThrow(/not a plain relative path|invalid relative path/);
  });

  it('refuses what is not a database', async () => {
    await mkdir(join(dir, 'index'), { recursive: true });
    await writeFile(join(dir, 'index', 'modules.json'), '[]');
    await expect(readFeed(new DirectoryFeedSource(dir), new Map())).rejects.toThrow(/no index\/db.json/);
    await expect(ZipFeedSource.open(Buffer.from('not a zip'), 'zip', 100)).rejects.toThrow(/not a zip file/);
  });
});
