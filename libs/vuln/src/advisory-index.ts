import { compareSemver, foldKey } from '#gomod';
import { firstFixedAbove, inIntervals, type AffectedInterval } from './affected-ranges.js';
import type { VulnEntry } from './osv-entry.js';

/** An advisory that affects one module version: what a refusal or a warning names. */
export interface AdvisoryHit {
  id: string;
  /** CVE-, GHSA- and other ids of the same vulnerability. */
  aliases: readonly string[];
  /** The first version above the requested one that fixes it; null when none does. */
  fixed: string | null;
}

/** What the index keeps of an advisory for listings (the admin page, exposure). */
export interface AdvisorySummary {
  id: string;
  aliases: readonly string[];
  summary: string;
  published: Date | null;
  modified: Date;
  modules: readonly string[];
}

interface ModuleRanges {
  advisory: AdvisorySummary;
  intervals: readonly AffectedInterval[];
}

const NO_HITS: readonly AdvisoryHit[] = Object.freeze([]);

/** Answers remembered per index for modules that have advisories; beyond this the memo starts over. */
const MEMO_SIZE = 50_000;

/**
 * The advisories in force (withdrawn ones left out), by case-folded module path: one Map lookup
 * per request, then the module's few ranges. Immutable: an import builds a new one.
 */
export class AdvisoryIndex {
  private readonly byModule = new Map<string, ModuleRanges[]>();
  private readonly byId = new Map<string, AdvisorySummary>();
  /** `<folded path>@<version>` -> hits: the same few versions are pulled again and again. */
  private readonly memo = new Map<string, readonly AdvisoryHit[]>();

  constructor(entries: Iterable<VulnEntry>) {
    for (const entry of entries) {
      if (entry.withdrawn !== null) continue;
      const advisory: AdvisorySummary = {
        id: entry.id,
        aliases: entry.aliases,
        summary: entry.summary,
        published: entry.published,
        modified: entry.modified,
        modules: [...new Set(entry.affected.map((a) => a.module))],
      };
      this.byId.set(entry.id, advisory);
      for (const { module, intervals } of entry.affected) {
        const key = foldKey(module);
        let list = this.byModule.get(key);
        if (!list) this.byModule.set(key, (list = []));
        list.push({ advisory, intervals });
      }
    }
  }

  /** Advisories in force. */
  get size(): number {
    return this.byId.size;
  }

  /** The advisories affecting `modulePath@version` (a canonical version), in id order. */
  affecting(modulePath: string, version: string): readonly AdvisoryHit[] {
    const key = foldKey(modulePath);
    const ranges = this.byModule.get(key);
    if (!ranges) return NO_HITS;
    const memoKey = `${key}@${version}`;
    let hits = this.memo.get(memoKey);
    if (!hits) {
      hits = this.compute(ranges, version);
      if (this.memo.size >= MEMO_SIZE) this.memo.clear();
      this.memo.set(memoKey, hits);
    }
    return hits;
  }

  private compute(ranges: readonly ModuleRanges[], version: string): readonly AdvisoryHit[] {
    const hits: AdvisoryHit[] = [];
    for (const { advisory, intervals } of ranges) {
      if (!inIntervals(intervals, version)) continue;
      if (hits.some((h) => h.id === advisory.id)) continue;
      hits.push({ id: advisory.id, aliases: advisory.aliases, fixed: firstFixedAbove(intervals, version) });
    }
    return hits.length === 0 ? NO_HITS : Object.freeze(hits.sort((a, b) => (a.id < b.id ? -1 : 1)));
  }

  /** Whether the module has any advisory at all (a cheap pre-check for lists). */
  hasModule(modulePath: string): boolean {
    return this.byModule.has(foldKey(modulePath));
  }

  advisory(id: string): AdvisorySummary | undefined {
    return this.byId.get(id);
  }

  /** Whether `version` of `modulePath` is affected by advisory `id`. */
  affects(id: string, modulePath: string, version: string): boolean {
    return (this.byModule.get(foldKey(modulePath)) ?? []).some((r) => r.advisory.id === id && inIntervals(r.intervals, version));
  }
}

/**
 * `GO-2022-0001 (CVE-2022-1234, GHSA-xxxx-xxxx-xxxx); fixed in v1.2.3`: every id, then the first
 * version that fixes all of them (or `no fixed version`).
 */
export function describeHits(hits: readonly AdvisoryHit[]): string {
  const ids = hits.map((h) => (h.aliases.length > 0 ? `${h.id} (${h.aliases.join(', ')})` : h.id)).join(', ');
  let fixed: string | null = null;
  for (const hit of hits) {
    if (hit.fixed === null) return `${ids}; no fixed version`;
    if (fixed === null || compareSemver(hit.fixed, fixed) > 0) fixed = hit.fixed;
  }
  return `${ids}; fixed in ${fixed}`;
}
