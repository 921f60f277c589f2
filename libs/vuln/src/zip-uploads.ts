import type { FastifyInstance } from 'fastify';

/** Largest zip `POST /api/vulnerabilities/import` accepts. */
export const MAX_ZIP_UPLOAD_BYTES = 256 << 20;

/** Lets routes receive `application/zip` bodies as a Buffer (the vulnerability database upload). */
export function acceptZipUploads(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/zip', { parseAs: 'buffer', bodyLimit: MAX_ZIP_UPLOAD_BYTES }, (_req, body, done) => done(null, body));
}
