-- The commit a private artifact was built from, to notice tags that move after serving.
ALTER TABLE "artifact" ADD COLUMN "origin_commit" TEXT;

-- A tag that moved or disappeared after its version was served. The served bytes never change.
CREATE TABLE "tag_event" (
    "id" BIGSERIAL NOT NULL,
    "module_path" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "served_commit" TEXT NOT NULL,
    "current_commit" TEXT,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tag_event_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "tag_event_module_path_version_current_commit_key" ON "tag_event"("module_path", "version", "current_commit") NULLS NOT DISTINCT;
CREATE INDEX "tag_event_detected_at_idx" ON "tag_event"("detected_at");
