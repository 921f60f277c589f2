-- A refused request (not found, or refused content) answered from this row instead of running git
-- or asking the upstream again; rows with an expiry are "not found" answers kept for a short time.
CREATE TABLE "refusal" (
    "module_path" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "message" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "refusal_pkey" PRIMARY KEY ("module_path", "version", "kind")
);

-- The whole @latest answer (with its Origin), as the origin gave it.
ALTER TABLE "version_index" ADD COLUMN "latest_info" TEXT;
