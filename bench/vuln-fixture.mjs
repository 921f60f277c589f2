// Writes a generated Go vulnerability database for bench/vuln.sh: N advisories (default 10000) on
// N/2 generated modules, plus three on the benchmarked module example.com/bench/audit whose ranges
// leave its v1.0.0 unaffected (so every pull walks that module's ranges) and affect v0.9.0;
// N = 0: a database without advisories.
// Usage: node bench/vuln-fixture.mjs DIR [N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, count = '10000'] = process.argv.slice(2);
if (!dir) throw new Error('usage: node bench/vuln-fixture.mjs DIR [N]');
const n = Number(count);
const modified = '2024-06-01T00:00:00Z';
const advisories = [];
for (let i = 0; i < n; i++) {
  const module = `github.com/gen/mod-${i % Math.max(1, Math.floor(n / 2))}`;
  advisories.push({ id: `GO-2024-${String(i).padStart(5, '0')}`, module, events: [{ introduced: '0' }, { fixed: `1.${i % 50}.${i % 7}` }] });
}
if (n > 0) {
  const bench = 'example.com/bench/audit';
  advisories.push({ id: 'GO-2099-0001', module: bench, events: [{ introduced: '2.0.0' }, { fixed: '2.0.5' }] });
  advisories.push({ id: 'GO-2099-0002', module: bench, events: [{ introduced: '0' }, { fixed: '0.9.1' }, { introduced: '1.1.0' }] });
  advisories.push({ id: 'GO-2099-0003', module: bench, events: [{ introduced: '1.0.1' }, { last_affected: '1.0.9' }] });
}

mkdirSync(join(dir, 'index'), { recursive: true });
mkdirSync(join(dir, 'ID'), { recursive: true });
const modules = new Map();
for (const a of advisories) {
  const osv = {
    schema_version: '1.3.1',
    id: a.id,
    modified,
    published: modified,
    aliases: [`CVE-${a.id.slice(3)}`],
    summary: `Generated advisory ${a.id} for the benchmark`,
    affected: [{ package: { name: a.module, ecosystem: 'Go' }, ranges: [{ type: 'SEMVER', events: a.events }] }],
  };
  writeFileSync(join(dir, 'ID', `${a.id}.json`), JSON.stringify(osv));
  modules.set(a.module, [...(modules.get(a.module) ?? []), { id: a.id, modified }]);
}
writeFileSync(join(dir, 'index', 'db.json'), JSON.stringify({ modified }));
writeFileSync(join(dir, 'index', 'modules.json'), JSON.stringify([...modules].map(([path, vulns]) => ({ path, vulns }))));
writeFileSync(join(dir, 'index', 'vulns.json'), JSON.stringify(advisories.map((a) => ({ id: a.id, modified, aliases: [`CVE-${a.id.slice(3)}`] }))));
console.log(advisories.length);
