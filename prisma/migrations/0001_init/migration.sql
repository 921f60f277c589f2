CREATE TABLE "artifact" (
    "id" BIGSERIAL NOT NULL,
    "module_path" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "h1" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "artifact_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "artifact_kind_check" CHECK ("kind" IN ('info', 'mod', 'zip'))
);

CREATE UNIQUE INDEX "artifact_module_path_version_kind_key" ON "artifact"("module_path", "version", "kind");

CREATE TABLE "version_index" (
    "module_path" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "versions" TEXT[],
    "list_fetched_at" TIMESTAMPTZ(3),
    "latest_version" TEXT,
    "latest_time" TEXT,
    "latest_fetched_at" TIMESTAMPTZ(3),
    CONSTRAINT "version_index_pkey" PRIMARY KEY ("module_path")
);
