import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Names a directory that lives as long as one jest run (made by the global setup): fixtures that
 * take the go command tens of seconds to build are built there once and copied by later suites.
 */
export const RUN_FIXTURES_ENV = 'MODGATE_TEST_RUN_FIXTURES';

const RESULT_FILE = 'fixture.json';

/**
 * `build(dir)` once per test run, a copy for every other caller: the first call builds into the
 * run's fixture directory; each call then copies `parts` (paths relative to the build directory)
 * into `dir` and returns `build`'s JSON result with the build directory's path replaced by `dir`.
 * Outside a jest run (no {@link RUN_FIXTURES_ENV}) it builds straight into `dir`.
 */
export async function buildOncePerRun<T>(name: string, dir: string, parts: readonly string[], build: (dir: string) => Promise<T>): Promise<T> {
  const runDir = process.env[RUN_FIXTURES_ENV];
  if (!runDir) return build(dir);
  const template = join(runDir, name);
  const text = await readFile(join(template, RESULT_FILE), 'utf8').catch(async () => buildTemplate(template, build));
  for (const part of parts) {
    await mkdir(dirname(join(dir, part)), { recursive: true });
    await cp(join(template, part), join(dir, part), { recursive: true, verbatimSymlinks: true });
  }
  return JSON.parse(text.replaceAll(JSON.stringify(template).slice(1, -1), JSON.stringify(dir).slice(1, -1))) as T;
}

/** Builds into a private directory, then renames it into place (another worker may have won the race). */
async function buildTemplate<T>(template: string, build: (dir: string) => Promise<T>): Promise<string> {
  const building = `${template}.${process.pid}-${Date.now()}`;
  const built = await build(building);
  const text = JSON.stringify(built).replaceAll(JSON.stringify(building).slice(1, -1), JSON.stringify(template).slice(1, -1));
  await writeFile(join(building, RESULT_FILE), text);
  try {
    await rename(building, template);
    return text;
  } catch {
    await rm(building, { recursive: true, force: true });
    return readFile(join(template, RESULT_FILE), 'utf8');
  }
}
