import type { BuiltCase } from './case-types.js';
import { queryKey, type ListOutcome, type ResolveOutcome, type SideOutcome } from './go-side.js';

/** One field on which modgate's answer differs from the go command's own. */
export interface Mismatch {
  case: string;
  /** `<module>@<query>` (with ` stat` for `.info`/`.mod`-only), or `<module> list`. */
  item: string;
  field: string;
  go: string;
  modgate: string;
}

/**
 * Compares modgate's side of one case with the oracle's: version lists (go through modgate and the
 * raw `@v/list`), and per query the outcome (both fail, or both succeed with equal Version, Sum,
 * GoModSum, `.info` Time and `.mod` bytes). `handSums` replaces the oracle's Sum where a case
 * expects a difference.
 */
export function compareCase(
  name: string,
  built: BuiltCase,
  direct: SideOutcome,
  modgate: SideOutcome,
  handSums: ReadonlyMap<string, string> = new Map(),
): Mismatch[] {
  const out: Mismatch[] = [];
  const push = (item: string, field: string, go: string, mg: string): void => {
    out.push({ case: name, item, field, go, modgate: mg });
  };
  for (const module of built.modules) {
    const want = direct.lists.get(module.path);
    const viaGo = modgate.lists.get(module.path);
    const raw = modgate.rawLists.get(module.path);
    if (!sameList(want, viaGo)) push(`${module.path} list`, 'go list -versions', showList(want), showList(viaGo));
    if (raw !== undefined && !sameList(want, raw)) push(`${module.path} list`, '@v/list', showList(want), showList(raw));
    for (const spec of module.queries) {
      const key = queryKey(module.path, spec.query);
      const download = compareResolve(direct.downloads.get(key), modgate.downloads.get(key), handSums.get(key));
      for (const [field, go, mg] of download) push(key, field, go, mg);
      if (spec.stat === undefined) continue;
      for (const [field, go, mg] of compareResolve(direct.stats.get(key), modgate.stats.get(key))) push(`${key} stat`, field, go, mg);
    }
  }
  return out;
}

/**
 * Compares what modgate lists after every download of a case was made (and the list TTL passed)
 * with the oracle: version lists (go and raw `@v/list`) and the version `<M>@latest` resolves to.
 * A download must never change what is listed or what `@latest` means.
 */
export function compareListedAfterDownloads(name: string, built: BuiltCase, direct: SideOutcome, after: SideOutcome): Mismatch[] {
  const out: Mismatch[] = [];
  const push = (item: string, field: string, go: string, mg: string): void => {
    out.push({ case: name, item, field, go, modgate: mg });
  };
  for (const module of built.modules) {
    const want = direct.lists.get(module.path);
    const viaGo = after.lists.get(module.path);
    const raw = after.rawLists.get(module.path);
    if (!sameList(want, viaGo)) push(`${module.path} list`, 'go list -versions', showList(want), showList(viaGo));
    if (raw !== undefined && !sameList(want, raw)) push(`${module.path} list`, '@v/list', showList(want), showList(raw));
    const goLatest = direct.latest.get(module.path);
    const mgLatest = after.latest.get(module.path);
    const show = (r: ResolveOutcome | undefined) => (r ? showOutcome(r) : '(missing)');
    const same = goLatest && mgLatest && (goLatest.error !== undefined ? mgLatest.error !== undefined : mgLatest.error === undefined && goLatest.version === mgLatest.version);
    if (!same) push(queryKey(module.path, 'latest'), 'Version', show(goLatest), show(mgLatest));
  }
  return out;
}

/** The differing fields of two outcomes of the same query, as [field, go, modgate]. */
function compareResolve(
  go: ResolveOutcome | undefined,
  mg: ResolveOutcome | undefined,
  handSum?: string,
): Array<[string, string, string]> {
  if (!go || !mg) return [['result', go ? 'present' : 'missing', mg ? 'present' : 'missing']];
  if (go.error !== undefined || mg.error !== undefined) {
    if (go.error !== undefined && mg.error !== undefined) return [];
    return [['outcome', showOutcome(go), showOutcome(mg)]];
  }
  const diffs: Array<[string, string, string]> = [];
  const check = (field: string, a: string | undefined, b: string | undefined): void => {
    if (a !== b) diffs.push([field, a ?? '(none)', b ?? '(none)']);
  };
  check('Version', go.version, mg.version);
  check(handSum ? 'Sum (hand-written)' : 'Sum', handSum ?? go.sum, mg.sum);
  check('GoModSum', go.goModSum, mg.goModSum);
  check('Time', go.time, mg.time);
  const goMod = go.mod?.toString('utf8');
  const mgMod = mg.mod?.toString('utf8');
  if (!(go.mod && mg.mod ? go.mod.equals(mg.mod) : go.mod === mg.mod)) diffs.push(['.mod', JSON.stringify(goMod), JSON.stringify(mgMod)]);
  return diffs;
}

/**
 * Equal lists, or — when the go command failed to list directly — modgate failing or listing
 * nothing.
 */
function sameList(want: ListOutcome | undefined, got: ListOutcome | undefined): boolean {
  if (!want || !got) return false;
  if (want.error !== undefined) return got.error !== undefined || (got.versions ?? []).length === 0;
  if (got.error !== undefined) return false;
  return (want.versions ?? []).join(' ') === (got.versions ?? []).join(' ');
}

function showList(list: ListOutcome | undefined): string {
  if (!list) return '(missing)';
  return list.error !== undefined ? `error: ${oneLine(list.error)}` : `[${(list.versions ?? []).join(' ')}]`;
}

function showOutcome(r: ResolveOutcome): string {
  return r.error !== undefined ? `error: ${oneLine(r.error)}` : `ok ${r.version ?? ''}`;
}

/** The first line of an error message, shortened for a table cell. */
export function oneLine(text: string, max = 160): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
