-- A local user's identity: a new id each time a name is created, so the tokens of a removed user
-- never act for a later user of the same name.
ALTER TABLE "local_user" ADD COLUMN "id" TEXT NOT NULL DEFAULT (gen_random_uuid())::text;
CREATE UNIQUE INDEX "local_user_id_key" ON "local_user"("id");

-- The identity of a local owner when the token was issued (null for directory users and service accounts).
ALTER TABLE "api_token" ADD COLUMN "owner_id" TEXT;
UPDATE "api_token" AS t SET "owner_id" = u."id" FROM "local_user" AS u WHERE t."owner_via" = 'local' AND t."owner" = u."name";
