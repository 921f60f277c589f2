import type { FastifyInstance } from 'fastify';

const API_PATH = /^\/api(\/|\?|$)/;

/**
 * Headers of every answer: `X-Content-Type-Options: nosniff` (a browser never guesses a type),
 * and on the admin API `Cache-Control: no-store` unless the route chose one (answers are per
 * caller and may hold a new token: no cache, proxy or back button keeps them).
 */
export function secureApiHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (API_PATH.test(request.url) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
