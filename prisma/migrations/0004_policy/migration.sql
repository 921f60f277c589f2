-- Policies managed through the admin API (PUT /api/policies); the YAML `policies:` block is the other half.
CREATE TABLE "policy_document" (
    "name" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,
    CONSTRAINT "policy_document_pkey" PRIMARY KEY ("name")
);
