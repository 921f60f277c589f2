-- The audit log: one row per pull and per security-relevant action, chained by SHA-256
-- (hash = sha256(prev_hash || canonical JSON of the row's fields)), written in seq order by one
-- writer at a time (the audit_chain head row is locked FOR UPDATE by each group commit).
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "principal_kind" TEXT NOT NULL,
    "principal_name" TEXT,
    "groups" TEXT[] NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "user_agent" TEXT,
    "module" TEXT,
    "version" TEXT,
    "artifact" TEXT,
    "status" INTEGER,
    "reason" TEXT,
    "bytes" BIGINT,
    "cache_hit" BOOLEAN,
    "duration_ms" INTEGER,
    "request_id" TEXT,
    "detail" JSONB,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "audit_event_seq_key" ON "audit_event"("seq");
-- Review queries: filters, newest first, keyset pagination on (time, id). The module in the time
-- index lets a time-ordered scan skip other modules' rows without visiting them (a module prefix
-- over a range where another module dominates); the module index serves one module or a rare prefix.
CREATE INDEX "audit_event_time_idx" ON "audit_event"("time", "id", "module" text_pattern_ops);
CREATE INDEX "audit_event_module_time_idx" ON "audit_event"("module" text_pattern_ops, "time", "id");
CREATE INDEX "audit_event_principal_time_idx" ON "audit_event"("principal_name", "time", "id");
CREATE INDEX "audit_event_version_idx" ON "audit_event"("version");
CREATE INDEX "audit_event_status_time_idx" ON "audit_event"("status", "time", "id");
CREATE INDEX "audit_event_action_time_idx" ON "audit_event"("action", "time", "id");
CREATE INDEX "audit_event_ip_time_idx" ON "audit_event"("ip", "time", "id");
CREATE INDEX "audit_event_groups_idx" ON "audit_event" USING GIN ("groups");

-- The head of the chain: the last event's seq and hash. One row, locked by every writer.
CREATE TABLE "audit_chain" (
    "id" INTEGER NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    CONSTRAINT "audit_chain_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_chain_single_row" CHECK ("id" = 1)
);
INSERT INTO "audit_chain" ("id", "last_seq", "last_hash")
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Archived (then deleted) ranges of the chain: verification continues from the last one.
CREATE TABLE "audit_checkpoint" (
    "id" BIGSERIAL NOT NULL,
    "first_seq" BIGINT NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "events" BIGINT NOT NULL,
    "from_time" TIMESTAMPTZ(3) NOT NULL,
    "to_time" TIMESTAMPTZ(3) NOT NULL,
    "archive_key" TEXT NOT NULL,
    "archive_sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_checkpoint_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "audit_checkpoint_last_seq_key" ON "audit_checkpoint"("last_seq");
