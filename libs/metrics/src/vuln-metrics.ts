import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

const entries = new Gauge({
  name: 'modgate_vulndb_entries',
  help: 'Advisories in the imported Go vulnerability database (withdrawn ones included).',
  registers: [metricsRegistry],
});
const lastImport = new Gauge({
  name: 'modgate_vulndb_last_import_timestamp_seconds',
  help: 'When the vulnerability database was last imported successfully (Unix time; 0: never).',
  registers: [metricsRegistry],
});
const imports = new Counter({
  name: 'modgate_vulndb_imports_total',
  help: 'Vulnerability database imports run by this process, by result (changed, unchanged, refused, error).',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const decisions = new Counter({
  name: 'modgate_vulnerability_decisions_total',
  help: 'Requests for a known-vulnerable version, by decision (blocked, warned, excepted).',
  labelNames: ['decision'] as const,
  registers: [metricsRegistry],
});

export type VulnImportResult = 'changed' | 'unchanged' | 'refused' | 'error';
export type VulnDecisionKind = 'blocked' | 'warned' | 'excepted';

/** The state of the database this process's index holds. */
export function recordVulnDatabase(count: number, importedAt: Date | null): void {
  entries.set(count);
  lastImport.set(importedAt ? importedAt.getTime() / 1000 : 0);
}

export function recordVulnImport(result: VulnImportResult): void {
  imports.inc({ result });
}

export function recordVulnDecision(decision: VulnDecisionKind): void {
  decisions.inc({ decision });
}
