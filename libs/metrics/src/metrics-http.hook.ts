import type { FastifyInstance } from 'fastify';
import { recordHttpRequest } from './http-metrics.js';
import { routeKind } from './route-kind.js';

/** Counts and times every response of the main listener by route kind and status (a Fastify `onResponse` hook). */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    recordHttpRequest(routeKind(request.url), reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
