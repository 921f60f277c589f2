import { Counter, Histogram } from 'prom-client';
import { ChildrenByCode, bindEach } from './bound-children.js';
import { metricsRegistry } from './metrics-registry.js';
import { ROUTE_KINDS, type RouteKind } from './route-kind.js';

const requests = new Counter({
  name: 'modgate_http_requests_total',
  help: 'HTTP requests answered, by route kind and status code.',
  labelNames: ['route', 'status'] as const,
  registers: [metricsRegistry],
});

const duration = new Histogram({
  name: 'modgate_http_request_duration_seconds',
  help: 'Time from receiving a request to the end of its response (a streamed zip: its last byte), by route kind.',
  labelNames: ['route'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [metricsRegistry],
});

const requestsByRoute = bindEach(ROUTE_KINDS, (route) => new ChildrenByCode((status) => requests.labels(route, status)));
const durationByRoute = bindEach(ROUTE_KINDS, (route) => duration.labels(route));

/** Records one answered request; `status` outside 100-599 is counted as 0. */
export function recordHttpRequest(route: RouteKind, status: number, seconds: number): void {
  requestsByRoute[route].get(status >= 100 && status <= 599 ? status : 0).inc();
  durationByRoute[route].observe(seconds);
}

const connections = new Counter({
  name: 'modgate_http_connections_total',
  help: 'Connections accepted by the main listener (with TLS, each costs a handshake): few per request means clients reuse them.',
  registers: [metricsRegistry],
});

/** Counts the connections a listener accepts (modgate_http_connections_total). */
export function countConnections(server: { on(event: 'connection', listener: () => void): unknown }): void {
  server.on('connection', () => connections.inc());
}
