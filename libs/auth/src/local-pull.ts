import type { IncomingHttpHeaders } from 'node:http';

/** Headers a proxy or load balancer adds: a request carrying one did not come straight from this machine. */
const FORWARDING_HEADER = /^(forwarded|via|x-forwarded-.+|x-real-ip|x-client-ip|true-client-ip|x-original-.+)$/;

const LOOPBACK_ADDRESS = /^(127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/;
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i;

/** What {@link isLocalAnonymousPull} looks at. */
export interface PullRequestFacts {
  headers: IncomingHttpHeaders;
  /** The connection's peer address. */
  peer: string | undefined;
  /** `1.0`, `1.1`, `2.0`. */
  httpVersion: string;
}

/**
 * Whether a request without credentials may pull as the anonymous local user of a try-out
 * instance: it comes from this machine straight to the loopback listener, as the go command sends
 * it. Anything that looks relayed is refused, so a reverse proxy on the same host never turns into
 * anonymous access: forwarding headers (`X-Forwarded-*`, `Forwarded`, `Via`, `X-Real-IP`), a
 * `Host` other than a loopback name (a proxy passing the public name; DNS rebinding), or HTTP/1.0
 * (nginx's default towards its upstream).
 */
export function isLocalAnonymousPull(request: PullRequestFacts): boolean {
  if (request.headers.authorization !== undefined) return false;
  if (request.httpVersion === '1.0') return false;
  if (!request.peer || !LOOPBACK_ADDRESS.test(request.peer)) return false;
  if (!LOOPBACK_HOST.test(request.headers.host ?? '')) return false;
  return !Object.keys(request.headers).some((name) => FORWARDING_HEADER.test(name.toLowerCase()));
}
