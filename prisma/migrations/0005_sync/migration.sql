-- Webhook deliveries, stored before they are answered; the id makes a replay a no-op.
CREATE TABLE "webhook_delivery" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "code_root" TEXT,
    "body_sha256" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id")
);

-- Durable sync jobs: a crash or restart loses none; one running job per repository.
CREATE TABLE "sync_job" (
    "id" BIGSERIAL NOT NULL,
    "code_root" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "delivery_id" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "run_after" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_by" TEXT,
    "locked_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "sync_job_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sync_job_state_check" CHECK ("state" IN ('pending', 'running', 'done', 'failed'))
);

CREATE INDEX "sync_job_state_run_after_idx" ON "sync_job"("state", "run_after");
CREATE INDEX "sync_job_code_root_state_idx" ON "sync_job"("code_root", "state");

-- Repositories modgate serves, for the polling fallback.
CREATE TABLE "repo_sync_state" (
    "code_root" TEXT NOT NULL,
    "last_synced_at" TIMESTAMPTZ(3),
    "last_webhook_at" TIMESTAMPTZ(3),
    "last_polled_at" TIMESTAMPTZ(3),
    "remote_fingerprint" TEXT,
    CONSTRAINT "repo_sync_state_pkey" PRIMARY KEY ("code_root")
);
