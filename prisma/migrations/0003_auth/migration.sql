-- Local users (the embedded default works without LDAP): scrypt password hashes, never passwords.
CREATE TABLE "local_user" (
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "groups" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "local_user_pkey" PRIMARY KEY ("name")
);

-- API tokens: the SHA-256 of the token and its JWT id, never the token itself.
CREATE TABLE "api_token" (
    "jti" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "service_account" BOOLEAN NOT NULL,
    "owner_via" TEXT NOT NULL,
    "token_sha256" TEXT NOT NULL,
    "scopes" TEXT[] NOT NULL,
    "module_patterns" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "groups" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,
    CONSTRAINT "api_token_pkey" PRIMARY KEY ("jti"),
    CONSTRAINT "api_token_owner_via_check" CHECK ("owner_via" IN ('ldap', 'local', 'service'))
);

CREATE UNIQUE INDEX "api_token_token_sha256_key" ON "api_token"("token_sha256");
CREATE INDEX "api_token_owner_idx" ON "api_token"("owner");
-- One active token per owner and name; one active service token per name (its `token:<name>` subject).
CREATE UNIQUE INDEX "api_token_owner_name_active_key" ON "api_token"("owner", "name") WHERE "revoked_at" IS NULL;
CREATE UNIQUE INDEX "api_token_service_name_active_key" ON "api_token"("name") WHERE "service_account" AND "revoked_at" IS NULL;

-- Server-side secrets generated once and shared by every replica (the token signing key when
-- MODGATE_JWT_SECRET is not set).
CREATE TABLE "auth_secret" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "auth_secret_pkey" PRIMARY KEY ("name")
);
