import { Inject, Injectable } from '@nestjs/common';
import { RecordNotFoundError } from '#auth';
import { DATABASE, type Database } from '#db';
import { foldKey } from '#gomod';
import { inIntervals } from './affected-ranges.js';
import { AdvisoryIndexService } from './advisory-index.service.js';
import { VulnRepository } from './vuln.repository.js';

const PULLS = `action IN ('goproxy.info', 'goproxy.mod', 'goproxy.zip') AND status < 400 AND version IS NOT NULL`;

/** Who got an affected version: one row per principal, module version and client address. */
export interface ExposureRow {
  principal: { kind: string; name: string | null };
  module: string;
  version: string;
  ip: string | null;
  /** `zip` means the code itself. */
  artifacts: string[];
  pulls: number;
  first: string;
  last: string;
  /** The first pull happened before the advisory was published. */
  beforePublication: boolean;
}

export interface ExposureReport {
  advisory: { id: string; aliases: string[]; summary: string; published: string | null; modified: string; withdrawn: string | null; modules: string[] };
  exposures: ExposureRow[];
}

/** An advisory in force that affects versions pulled recently. */
export interface OpenAdvisory {
  id: string;
  aliases: string[];
  summary: string;
  published: string | null;
  modified: string;
  /** Per affected module: the affected versions pulled, successful pulls, distinct principals, the last pull. */
  modules: Array<{ module: string; versions: string[]; pulls: number; principals: number; lastPull: string }>;
}

/** Exposure to advisories, read from the audit log (successful `.info`, `.mod` and `.zip` pulls). */
@Injectable()
export class ExposureService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly repository: VulnRepository,
    private readonly index: AdvisoryIndexService,
  ) {}

  /** Everyone who pulled a version the advisory affects, whenever (also before it was published). */
  async exposure(id: string): Promise<ExposureReport> {
    const entry = await this.repository.entry(id);
    if (!entry) throw new RecordNotFoundError(`no advisory ${id} in the imported vulnerability database`);
    const intervals = new Map<string, (typeof entry.affected)[number]['intervals']>();
    for (const a of entry.affected) intervals.set(foldKey(a.module), [...(intervals.get(foldKey(a.module)) ?? []), ...a.intervals]);
    const rows = await this.db.sql.query<Row>(
      `SELECT principal_kind, principal_name, module, version, ip, count(*) AS pulls, min(time) AS first_time, max(time) AS last_time,
         coalesce(array_agg(DISTINCT artifact) FILTER (WHERE artifact IS NOT NULL), '{}') AS artifacts
       FROM audit_event
       WHERE lower(module) = ANY($1::text[]) AND ${PULLS}
       GROUP BY principal_kind, principal_name, module, version, ip
       ORDER BY min(time)
       LIMIT 100000`,
      [[...new Set(entry.affected.map((a) => a.module.toLowerCase()))]],
    );
    const published = entry.published?.getTime() ?? Infinity;
    const exposures = rows
      .filter((r) => inIntervals(intervals.get(foldKey(r.module)) ?? [], r.version))
      .map((r) => ({
        principal: { kind: r.principal_kind, name: r.principal_name },
        module: r.module,
        version: r.version,
        ip: r.ip,
        artifacts: [...r.artifacts].sort(),
        pulls: Number(r.pulls),
        first: new Date(r.first_time).toISOString(),
        last: new Date(r.last_time).toISOString(),
        beforePublication: new Date(r.first_time).getTime() < published,
      }));
    return {
      advisory: {
        id: entry.id,
        aliases: entry.aliases,
        summary: entry.summary,
        published: entry.published?.toISOString() ?? null,
        modified: entry.modified.toISOString(),
        withdrawn: entry.withdrawn?.toISOString() ?? null,
        modules: [...new Set(entry.affected.map((a) => a.module))],
      },
      exposures,
    };
  }

  /** Advisories in force affecting versions pulled in the last `days` days, newest advisory first. */
  async openAdvisories(days: number, now = new Date()): Promise<OpenAdvisory[]> {
    const since = new Date(now.getTime() - days * 86_400_000);
    const rows = await this.db.sql.query<{ module: string; version: string; pulls: string | number; principals: Array<string | null>; last_time: Date }>(
      `SELECT module, version, count(*) AS pulls, array_agg(DISTINCT principal_kind || ':' || coalesce(principal_name, '')) AS principals, max(time) AS last_time
       FROM audit_event WHERE time >= $1 AND ${PULLS}
       GROUP BY module, version
       LIMIT 500000`,
      [since],
    );
    const index = this.index.current();
    const found = new Map<string, OpenAdvisory>();
    const principals = new Map<string, Set<string>>();
    for (const row of rows) {
      if (!index.hasModule(row.module)) continue;
      for (const hit of index.affecting(row.module, row.version)) {
        const advisory = index.advisory(hit.id)!;
        let open = found.get(hit.id);
        if (!open) {
          open = { id: advisory.id, aliases: [...advisory.aliases], summary: advisory.summary, published: advisory.published?.toISOString() ?? null, modified: advisory.modified.toISOString(), modules: [] };
          found.set(hit.id, open);
        }
        let module = open.modules.find((m) => m.module === row.module);
        if (!module) open.modules.push((module = { module: row.module, versions: [], pulls: 0, principals: 0, lastPull: new Date(0).toISOString() }));
        module.versions.push(row.version);
        module.pulls += Number(row.pulls);
        const who = principals.get(`${hit.id} ${row.module}`) ?? new Set<string>();
        for (const p of row.principals) who.add(p ?? '');
        principals.set(`${hit.id} ${row.module}`, who);
        module.principals = who.size;
        const last = new Date(row.last_time).toISOString();
        if (last > module.lastPull) module.lastPull = last;
      }
    }
    const newest = (a: OpenAdvisory) => a.published ?? a.modified;
    return [...found.values()].sort((a, b) => (newest(a) < newest(b) ? 1 : newest(a) > newest(b) ? -1 : a.id < b.id ? -1 : 1));
  }
}

interface Row {
  principal_kind: string;
  principal_name: string | null;
  module: string;
  version: string;
  ip: string | null;
  pulls: string | number;
  first_time: Date;
  last_time: Date;
  artifacts: string[];
}
