import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { writeZip } from '#gomod';

/** One advisory of a fixture Go vulnerability database (OSV, as vuln.go.dev writes it). */
export interface AdvisoryFixture {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  /** Per module: its SEMVER ranges, each a list of events (`{ introduced: '0' }, { fixed: '1.1.0' }`). */
  affected: Array<{ module: string; ranges: Array<Array<Record<string, string>>> }>;
}

/** The database's files by path (`index/db.json`, `index/modules.json`, `index/vulns.json`, `ID/<id>.json`). */
export type VulnDbFiles = Map<string, Buffer>;

/** The files of a database holding `advisories`, laid out as vuln.go.dev serves them. */
export function vulnDbFiles(advisories: readonly AdvisoryFixture[]): VulnDbFiles {
  const files: VulnDbFiles = new Map();
  const modules = new Map<string, Array<{ id: string; modified: string }>>();
  for (const advisory of advisories) {
    const osv = {
      schema_version: '1.3.1',
      id: advisory.id,
      modified: advisory.modified,
      ...(advisory.published ? { published: advisory.published } : {}),
      ...(advisory.withdrawn ? { withdrawn: advisory.withdrawn } : {}),
      aliases: advisory.aliases ?? [],
      summary: advisory.summary ?? `Fixture vulnerability ${advisory.id}`,
      details: 'Written by the test.',
      affected: advisory.affected.map((a) => ({
        package: { name: a.module, ecosystem: 'Go' },
        ranges: a.ranges.map((events) => ({ type: 'SEMVER', events })),
      })),
      database_specific: { url: `https://pkg.go.dev/vuln/${advisory.id}` },
    };
    files.set(`ID/${advisory.id}.json`, Buffer.from(JSON.stringify(osv)));
    for (const a of advisory.affected) modules.set(a.module, [...(modules.get(a.module) ?? []), { id: advisory.id, modified: advisory.modified }]);
  }
  const newest = advisories.map((a) => a.modified).sort().at(-1) ?? '2024-01-01T00:00:00Z';
  files.set('index/db.json', Buffer.from(JSON.stringify({ modified: newest })));
  files.set('index/modules.json', Buffer.from(JSON.stringify([...modules].map(([path, vulns]) => ({ path, vulns })))));
  files.set('index/vulns.json', Buffer.from(JSON.stringify(advisories.map((a) => ({ id: a.id, modified: a.modified, aliases: a.aliases ?? [] })))));
  return files;
}

/** Writes the files under `dir` (replacing what is there by the same names). */
export async function writeVulnDb(dir: string, files: VulnDbFiles): Promise<void> {
  for (const [name, body] of files) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), body);
  }
}

/** The files as a zip (the export format `POST /api/vulnerabilities/import` takes). */
export async function zipVulnDb(files: VulnDbFiles): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  await writeZip(out, [...files].map(([name, data]) => ({ name, data })));
  return Buffer.concat(chunks);
}
