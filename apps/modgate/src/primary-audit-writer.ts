import { AuditEventRepository, AuditWriter, serveClusterAudit } from '#audit';
import type { ModgateConfig } from '#config';
import { postgresTimeouts, PostgresSqlClient } from '#db';

/**
 * The cluster primary's audit writer (MODGATE_WORKERS > 1): one group commit for the events of
 * every worker (libs/audit cluster-audit.ts). Closed after the last worker has exited.
 */
export function startPrimaryAuditWriter(config: ModgateConfig): { close(): Promise<void> } {
  const { database } = config;
  if (!config.audit.enabled || database.kind !== 'postgres') return { close: () => Promise.resolve() };
  const sql = new PostgresSqlClient(database.url, postgresTimeouts(database.statementTimeoutMs));
  const writer = new AuditWriter(config, new AuditEventRepository(sql));
  serveClusterAudit((events, deadline) => writer.commitForWorker(events, deadline));
  return {
    async close() {
      await writer.beforeApplicationShutdown();
      await sql.close();
    },
  };
}
