// Writes a GOPROXY tree of a generated module graph and a project that depends on all of it, for
// bench/graph.sh. Usage: node bench/graph-fixture.mjs DIR MODULES
//
// Modules example.com/graph/mNNN, each at v1.0.0 and v1.1.0 (go 1.16: unpruned graphs, so the go
// command reads every go.mod it meets). The project requires every module at v1.1.0; module i's
// v1.1.0 requires module i+1 at v1.0.0 for the first MODULES*0.85 modules, so `go mod download`
// fetches .info/.mod/.zip of every v1.1.0 and the .mod of those v1.0.0s: with 150 modules, 578
// requests (278 .mod, 150 .info, 150 .zip), the shape of a real service's dependency graph.
// Zips are written by modgate's own module zip writer (dist/libs/gomod), a few KB each.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, countArg] = process.argv.slice(2);
if (!dir || !countArg) {
  console.error('usage: node bench/graph-fixture.mjs DIR MODULES');
  process.exit(2);
}
const count = Number(countArg);
const { writeZip } = await import(pathToFileURL(join(process.cwd(), 'dist/libs/gomod/src/zip-writer.js')).href);

const name = (i) => `example.com/graph/m${String(i).padStart(3, '0')}`;
const chained = Math.round(count * 0.85);
const tree = join(dir, 'tree');
const source = (i, version) =>
  `// Package m${i} is a generated benchmark module.\npackage m${i}\n\n// Version is the module version.\nconst Version = "${version}"\n\n` +
  Array.from({ length: 40 }, (_, n) => `// F${n} returns ${n}.\nfunc F${n}() int { return ${n} * ${i} }\n`).join('\n');

for (let i = 0; i < count; i++) {
  const path = name(i);
  const base = join(tree, path, '@v');
  await mkdir(base, { recursive: true });
  for (const version of ['v1.0.0', 'v1.1.0']) {
    const requires = version === 'v1.1.0' && i + 1 < count && i < chained ? `\nrequire ${name(i + 1)} v1.0.0\n` : '';
    const goMod = `module ${path}\n\ngo 1.16\n${requires}`;
    const day = version === 'v1.0.0' ? '01' : '02';
    await writeFile(join(base, `${version}.info`), `{"Version":"${version}","Time":"2024-01-${day}T00:00:00Z"}`);
    await writeFile(join(base, `${version}.mod`), goMod);
    const prefix = `${path}@${version}/`;
    const files = [
      { name: `${prefix}go.mod`, data: Buffer.from(goMod) },
      { name: `${prefix}m${i}.go`, data: Buffer.from(source(i, version)) },
    ];
    await writeZip(createWriteStream(join(base, `${version}.zip`)), files);
  }
  await writeFile(join(base, 'list'), 'v1.0.0\nv1.1.0\n');
}

const project = join(dir, 'project');
await mkdir(project, { recursive: true });
const requires = Array.from({ length: count }, (_, i) => `\t${name(i)} v1.1.0\n`).join('');
await writeFile(join(project, 'go.mod'), `module example.com/graphbench\n\ngo 1.16\n\nrequire (\n${requires})\n`);
console.log(tree);
