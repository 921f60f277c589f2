import type { SqlClient } from '#db';

/** A claimed sync job. */
export interface SyncJob {
  id: string;
  codeRoot: string;
  reason: string;
  attempts: number;
}

export type JobState = 'pending' | 'running' | 'done' | 'failed';

/**
 * The durable job table behind syncs: deliveries and jobs are written in one transaction before
 * the webhook is answered; workers claim with SKIP LOCKED, one running job per repository.
 */
export class SyncJobRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores a delivery (and a job for its repository unless one is already pending). Returns false
   * when the delivery id was seen before: a replay does nothing.
   */
  async recordDelivery(delivery: { id: string; provider: string; event: string; codeRoot: string | null; bodySha256: string }): Promise<boolean> {
    // One statement, so delivery, job and repository state are stored together or not at all.
    const [row] = await this.sql.query<{ inserted: string }>(
      `WITH d AS (
         INSERT INTO "webhook_delivery" ("id", "provider", "event", "code_root", "body_sha256") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ("id") DO NOTHING RETURNING "id", "code_root"),
       j AS (
         INSERT INTO "sync_job" ("code_root", "reason", "delivery_id")
         SELECT d."code_root", 'webhook ' || d."id", d."id" FROM d
         WHERE d."code_root" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM "sync_job" p WHERE p."code_root" = d."code_root" AND p."state" = 'pending')
         RETURNING "id"),
       s AS (
         INSERT INTO "repo_sync_state" ("code_root", "last_webhook_at") SELECT d."code_root", now() FROM d WHERE d."code_root" IS NOT NULL
         ON CONFLICT ("code_root") DO UPDATE SET "last_webhook_at" = now() RETURNING "code_root")
       SELECT (SELECT count(*) FROM d)::text AS "inserted", (SELECT count(*) FROM j) AS "jobs", (SELECT count(*) FROM s) AS "states"`,
      [delivery.id, delivery.provider, delivery.event, delivery.codeRoot, delivery.bodySha256],
    );
    return row?.inserted === '1';
  }

  /** Adds a pending job unless the repository already has one waiting; returns the job id. */
  async enqueue(codeRoot: string, reason: string, deliveryId: string | null = null): Promise<string> {
    const waiting = await this.sql.query<{ id: string }>(
      `SELECT "id"::text AS "id" FROM "sync_job" WHERE "code_root" = $1 AND "state" = 'pending' ORDER BY "id" LIMIT 1`,
      [codeRoot],
    );
    if (waiting[0]) return waiting[0].id;
    const [job] = await this.sql.query<{ id: string }>(
      `INSERT INTO "sync_job" ("code_root", "reason", "delivery_id") VALUES ($1, $2, $3) RETURNING "id"::text AS "id"`,
      [codeRoot, reason, deliveryId],
    );
    return job!.id;
  }

  /** Claims the oldest runnable job whose repository has no running job. */
  async claim(worker: string): Promise<SyncJob | null> {
    const rows = await this.sql.query<{ id: string; code_root: string; reason: string; attempts: number }>(
      `UPDATE "sync_job" SET "state" = 'running', "locked_by" = $1, "locked_at" = now(), "attempts" = "attempts" + 1
       WHERE "id" = (
         SELECT j."id" FROM "sync_job" j
         WHERE j."state" = 'pending' AND j."run_after" <= now()
           AND NOT EXISTS (SELECT 1 FROM "sync_job" r WHERE r."code_root" = j."code_root" AND r."state" = 'running')
         ORDER BY j."id" LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING "id"::text AS "id", "code_root", "reason", "attempts"`,
      [worker],
    );
    const row = rows[0];
    return row ? { id: row.id, codeRoot: row.code_root, reason: row.reason, attempts: row.attempts } : null;
  }

  async complete(id: string): Promise<void> {
    await this.sql.query(`UPDATE "sync_job" SET "state" = 'done', "finished_at" = now(), "last_error" = NULL WHERE "id" = $1::bigint`, [id]);
  }

  /** Retries with exponential backoff, up to `maxAttempts`; then the job stays failed. */
  async fail(job: SyncJob, error: string, maxAttempts: number): Promise<JobState> {
    const state: JobState = job.attempts >= maxAttempts ? 'failed' : 'pending';
    const delaySeconds = Math.min(2 ** (job.attempts - 1), 300);
    await this.sql.query(
      `UPDATE "sync_job" SET "state" = $2, "last_error" = $3, "locked_by" = NULL,
         "run_after" = now() + make_interval(secs => $4), "finished_at" = CASE WHEN $2 = 'failed' THEN now() END
       WHERE "id" = $1::bigint`,
      [job.id, state, error.slice(0, 2000), delaySeconds],
    );
    return state;
  }

  /** Jobs left running by a process that died: back to pending after `olderThanSeconds`. */
  async releaseStale(olderThanSeconds: number): Promise<number> {
    const rows = await this.sql.query(
      `UPDATE "sync_job" SET "state" = 'pending', "locked_by" = NULL
       WHERE "state" = 'running' AND "locked_at" < now() - make_interval(secs => $1) RETURNING "id"`,
      [olderThanSeconds],
    );
    return rows.length;
  }

  async state(id: string): Promise<{ state: JobState; attempts: number; lastError: string | null; codeRoot: string } | null> {
    const rows = await this.sql.query<{ state: JobState; attempts: number; last_error: string | null; code_root: string }>(
      `SELECT "state", "attempts", "last_error", "code_root" FROM "sync_job" WHERE "id" = $1::bigint`,
      [id],
    );
    const row = rows[0];
    return row ? { state: row.state, attempts: row.attempts, lastError: row.last_error, codeRoot: row.code_root } : null;
  }

  async markSynced(codeRoot: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO "repo_sync_state" ("code_root", "last_synced_at") VALUES ($1, now())
       ON CONFLICT ("code_root") DO UPDATE SET "last_synced_at" = now()`,
      [codeRoot],
    );
  }

  /** Repositories due for a poll: no webhook and no poll within `intervalSeconds`. */
  async dueForPoll(intervalSeconds: number): Promise<Array<{ codeRoot: string }>> {
    const rows = await this.sql.query<{ code_root: string }>(
      `SELECT "code_root" FROM "repo_sync_state"
       WHERE ("last_webhook_at" IS NULL OR "last_webhook_at" < now() - make_interval(secs => $1))
         AND ("last_polled_at" IS NULL OR "last_polled_at" < now() - make_interval(secs => $1))`,
      [intervalSeconds],
    );
    return rows.map((row) => ({ codeRoot: row.code_root }));
  }

  async markPolled(codeRoot: string): Promise<void> {
    await this.sql.query(`UPDATE "repo_sync_state" SET "last_polled_at" = now() WHERE "code_root" = $1`, [codeRoot]);
  }

  /** Deletes webhook deliveries and finished jobs older than `days`; pending and running jobs stay. */
  async prune(days: number): Promise<{ deliveries: number; jobs: number }> {
    const [row] = await this.sql.query<{ deliveries: string; jobs: string }>(
      `WITH d AS (DELETE FROM "webhook_delivery" WHERE "received_at" < now() - make_interval(days => $1) RETURNING 1),
       j AS (DELETE FROM "sync_job" WHERE "state" IN ('done', 'failed') AND coalesce("finished_at", "created_at") < now() - make_interval(days => $1) RETURNING 1)
       SELECT (SELECT count(*) FROM d)::text AS "deliveries", (SELECT count(*) FROM j)::text AS "jobs"`,
      [days],
    );
    return { deliveries: Number(row?.deliveries ?? 0), jobs: Number(row?.jobs ?? 0) };
  }

  /** Makes a repository known to the poller. */
  async track(codeRoot: string): Promise<void> {
    await this.sql.query(`INSERT INTO "repo_sync_state" ("code_root") VALUES ($1) ON CONFLICT ("code_root") DO NOTHING`, [codeRoot]);
  }
}
