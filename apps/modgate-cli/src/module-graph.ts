import { compareGoVersions, compareSemver, parseGoModLax } from '#gomod';
import { isLocalPath, type MainGoMod, type ModuleVersion, type Replacement } from './go-mod-directives.js';

/** Reads the go.mod (`.mod` file) of a module version; null when it could not be had (the caller records why). */
export type ModFileLoader = (target: ModuleVersion) => Promise<string | null>;

/** One module of the build list and where its files come from (a replacement, or null for a local directory). */
export interface BuildListEntry {
  path: string;
  version: string;
  /** What to download for it: itself, its replacement, or null when replaced by a local directory. */
  source: ModuleVersion | null;
}

const key = (m: ModuleVersion) => `${m.path}@${m.version}`;

/**
 * The build list of a main module, as the go command computes it (cmd/go modload.readModGraph and
 * MVS): load the go.mod of every required version, following requirements transitively — except
 * that with graph pruning (a go.mod at `go 1.17` or later, Go 1.17+) only a pruned module's own
 * requirements enter the graph, not theirs — then select the highest version of each path.
 * Requirements on versions the main module excludes are dropped (Go 1.16+); replacements are
 * loaded instead of the module they replace, and local-directory replacements are not loaded.
 */
export async function computeBuildList(main: MainGoMod, loadModFile: ModFileLoader, onBadModFile: (m: ModuleVersion, message: string) => void = () => undefined): Promise<BuildListEntry[]> {
  const excluded = new Set(main.exclude.map(key));
  const versions = new Map<string, Set<string>>();
  const note = (m: ModuleVersion) => {
    if (m.path === main.module) return;
    let set = versions.get(m.path);
    if (!set) versions.set(m.path, (set = new Set()));
    set.add(m.version);
  };
  const loads = new Map<string, Promise<{ require: ModuleVersion[]; pruned: boolean }>>();
  const loadOne = (m: ModuleVersion) => {
    let load = loads.get(key(m));
    if (!load) {
      load = summary(m, replacementOf(main.replace, m), loadModFile, excluded, onBadModFile);
      loads.set(key(m), load);
    }
    return load;
  };
  const enqueuedUnpruned = new Set<string>();
  const pending: Array<Promise<void>> = [];
  const enqueue = (m: ModuleVersion, pruned: boolean): void => {
    if (m.path === main.module) return;
    note(m);
    if (!pruned) {
      if (enqueuedUnpruned.has(key(m))) return;
      enqueuedUnpruned.add(key(m));
    }
    pending.push(
      loadOne(m).then((s) => {
        s.require.forEach(note);
        if (!pruned || !s.pruned) for (const r of s.require) enqueue(r, pruned ? s.pruned : false);
      }),
    );
  };
  const mainPruned = main.go !== undefined && isPruningGoVersion(main.go);
  for (const r of main.require) if (!excluded.has(key(r))) enqueue(r, mainPruned);
  for (let done = 0; done < pending.length; done++) await pending[done];

  return [...versions.entries()]
    .map(([path, set]) => {
      const version = [...set].reduce((a, b) => (compareSemver(a, b) >= 0 ? a : b));
      const target = replacementOf(main.replace, { path, version });
      return { path, version, source: target === undefined ? { path, version } : target.version === undefined ? null : { path: target.path, version: target.version } };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Graph pruning applies to modules whose go.mod says `go 1.17` or later. */
export function isPruningGoVersion(go: string): boolean {
  return compareGoVersions(`go${go}`, 'go1.17') >= 0;
}

/** The replacement of `m`: a version-specific `replace` wins over one for every version. */
export function replacementOf(replace: readonly Replacement[], m: ModuleVersion): Replacement['new'] | undefined {
  return (replace.find((r) => r.old.path === m.path && r.old.version === m.version) ?? replace.find((r) => r.old.path === m.path && r.old.version === undefined))?.new;
}

async function summary(
  m: ModuleVersion,
  target: Replacement['new'] | undefined,
  loadModFile: ModFileLoader,
  excluded: ReadonlySet<string>,
  onBadModFile: (m: ModuleVersion, message: string) => void,
) {
  if (target !== undefined && (target.version === undefined || isLocalPath(target.path))) return { require: [], pruned: true };
  const text = await loadModFile(target?.version !== undefined ? { path: target.path, version: target.version } : m);
  if (text === null) return { require: [], pruned: true };
  let parsed;
  try {
    parsed = parseGoModLax(text, `${key(m)}/go.mod`);
  } catch (err) {
    onBadModFile(m, (err as Error).message);
    return { require: [], pruned: true };
  }
  return {
    require: parsed.require.filter((r) => !excluded.has(key(r))),
    pruned: parsed.go !== undefined && isPruningGoVersion(parsed.go),
  };
}
