-- One advisory of the imported Go vulnerability database: its OSV bytes exactly as the feed had
-- them (served again at /vulndb/ID/<id>.json) and the parsed parts the pull path needs.
CREATE TABLE "vuln_entry" (
    "id" TEXT NOT NULL,
    "modified" TIMESTAMPTZ(3) NOT NULL,
    "listed_modified" BIGINT NOT NULL,
    "published" TIMESTAMPTZ(3),
    "withdrawn" TIMESTAMPTZ(3),
    "aliases" TEXT[] NOT NULL,
    "summary" TEXT NOT NULL,
    "affected" JSONB NOT NULL,
    "body" BYTEA NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "vuln_entry_pkey" PRIMARY KEY ("id")
);

-- The feed's index files (index/db.json, index/modules.json, index/vulns.json), byte for byte.
CREATE TABLE "vuln_index_file" (
    "name" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    CONSTRAINT "vuln_index_file_pkey" PRIMARY KEY ("name")
);

-- One row: the generation counter every replica compares to rebuild its in-memory index, and the
-- last successful import.
CREATE TABLE "vuln_feed_state" (
    "name" TEXT NOT NULL,
    "generation" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "db_modified" TIMESTAMPTZ(3) NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "vuln_feed_state_pkey" PRIMARY KEY ("name")
);

-- Vulnerability exceptions already audited as made or expired (each recorded once, by one replica).
CREATE TABLE "vuln_exception_audit" (
    "key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "vuln_exception_audit_pkey" PRIMARY KEY ("key")
);
