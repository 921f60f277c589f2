-- The catalog: one row per module version held (or once held) in the cache, kept by a trigger on
-- artifact so that no code path can forget it. Pull counts are aggregated from the audit log in
-- seq order (per version: total and last pulled; per module and UTC day: for charts and "hot"
-- modules), so no request ever scans audit_event to count pulls.
-- Byte order ("C") for paths and versions: the primary key serves /catalog pages, prefix search and
-- keyset pagination whatever the database's locale.
CREATE TABLE "module_version" (
    "module_path" TEXT COLLATE "C" NOT NULL,
    "version" TEXT COLLATE "C" NOT NULL,
    "source" TEXT NOT NULL,
    "first_fetched_at" TIMESTAMPTZ(3) NOT NULL,
    -- Bytes of the version's stored artifacts (.info, .mod, .zip); 0 once evicted.
    "size" BIGINT NOT NULL DEFAULT 0,
    -- h1: of the zip; kept after an eviction, so a fetch again can be compared with it.
    "h1" TEXT,
    -- Successful .zip downloads (the audit summary's "downloads").
    "pulls" BIGINT NOT NULL DEFAULT 0,
    -- The last successful .info, .mod or .zip request.
    "last_pulled_at" TIMESTAMPTZ(3),
    -- Set when the eviction policy removed its artifacts; cleared when it is fetched again.
    "evicted_at" TIMESTAMPTZ(3),
    CONSTRAINT "module_version_pkey" PRIMARY KEY ("module_path", "version")
);
-- /index: ordered by the time a version was first fetched.
CREATE INDEX "module_version_first_fetched_idx" ON "module_version"("first_fetched_at", "module_path", "version");
-- Eviction candidates: public versions by last use.
CREATE INDEX "module_version_unused_idx" ON "module_version"((coalesce("last_pulled_at", "first_fetched_at"))) WHERE "source" = 'upstream' AND "evicted_at" IS NULL;

-- One row per module path held: module search scans modules, not versions.
CREATE TABLE "catalog_module" (
    "module_path" TEXT COLLATE "C" NOT NULL,
    CONSTRAINT "catalog_module_pkey" PRIMARY KEY ("module_path")
);
-- Module search by path prefix, case-insensitively.
CREATE INDEX "catalog_module_lower_path_idx" ON "catalog_module"((lower("module_path")) text_pattern_ops);

CREATE TABLE "module_pull_day" (
    "module_path" TEXT COLLATE "C" NOT NULL,
    "day" DATE NOT NULL,
    -- Successful .zip downloads of any version of the module that day (UTC).
    "pulls" BIGINT NOT NULL DEFAULT 0,
    -- Successful GOPROXY requests of the module (list, latest, info, mod, zip) that day.
    "requests" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "module_pull_day_pkey" PRIMARY KEY ("module_path", "day")
);
CREATE INDEX "module_pull_day_day_idx" ON "module_pull_day"("day", "module_path");

INSERT INTO "module_version" ("module_path", "version", "source", "first_fetched_at", "size", "h1")
SELECT "module_path", "version", min("source"), min("created_at"), sum("size"), max("h1") FILTER (WHERE "kind" = 'zip')
FROM "artifact" GROUP BY "module_path", "version";

INSERT INTO "catalog_module" ("module_path") SELECT DISTINCT "module_path" FROM "module_version";

-- The audit log so far, counted once here; later events are counted from pull_count_watermark on.
UPDATE "module_version" AS v SET "pulls" = p."zips", "last_pulled_at" = p."last"
FROM (
  SELECT "module", "version", count(*) FILTER (WHERE "action" = 'goproxy.zip') AS "zips", max("time") AS "last"
  FROM "audit_event"
  WHERE "action" IN ('goproxy.info', 'goproxy.mod', 'goproxy.zip') AND "status" < 400 AND "module" IS NOT NULL AND "version" IS NOT NULL
  GROUP BY "module", "version"
) AS p
WHERE v."module_path" = p."module" AND v."version" = p."version";
INSERT INTO "module_pull_day" ("module_path", "day", "pulls", "requests")
SELECT "module", ("time" AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE "action" = 'goproxy.zip'), count(*)
FROM "audit_event"
WHERE "action" LIKE 'goproxy.%' AND "action" <> 'goproxy.invalid' AND "status" < 400 AND "module" IS NOT NULL
GROUP BY 1, 2;

CREATE FUNCTION "module_version_on_artifact"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "module_version" ("module_path", "version", "source", "first_fetched_at", "size", "h1")
  VALUES (NEW."module_path", NEW."version", NEW."source", NEW."created_at", NEW."size", CASE WHEN NEW."kind" = 'zip' THEN NEW."h1" END)
  ON CONFLICT ("module_path", "version") DO UPDATE SET
    "size" = "module_version"."size" + EXCLUDED."size",
    "h1" = coalesce(EXCLUDED."h1", "module_version"."h1"),
    "evicted_at" = NULL;
  INSERT INTO "catalog_module" ("module_path") VALUES (NEW."module_path") ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER "module_version_on_artifact" AFTER INSERT ON "artifact" FOR EACH ROW EXECUTE FUNCTION "module_version_on_artifact"();

-- Pull counts are added from the audit log by a background pass (libs/catalog PullCounter), off the
-- pull's commit path: events up to this seq are counted. The backfill above counted everything so far.
CREATE TABLE "pull_count_watermark" (
    "id" INTEGER NOT NULL,
    "last_seq" BIGINT NOT NULL,
    CONSTRAINT "pull_count_watermark_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pull_count_watermark_single_row" CHECK ("id" = 1)
);
INSERT INTO "pull_count_watermark" ("id", "last_seq") SELECT 1, coalesce(max("seq"), 0) FROM "audit_event";
