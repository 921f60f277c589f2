import { BlockList, isIP } from 'node:net';

/**
 * The client address of a request: the direct peer, unless that peer is a trusted proxy; then
 * `X-Forwarded-For` is read from the right, skipping trusted proxies, and the first address that
 * is not one is the client. Nothing else (no other header, no untrusted peer's header) is believed.
 */
export class ClientIpResolver {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  /** `trustedProxies`: IPs and CIDRs (`10.0.0.0/8`, `fd00::/8`), already validated by the config. */
  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.trusted.addAddress(address, family);
      else this.trusted.addSubnet(address, Number(prefix), family);
    }
    this.any = trustedProxies.length > 0;
  }

  resolve(peer: string | undefined, forwardedFor: string | string[] | undefined): string | null {
    const direct = normalizeIp(peer);
    if (!direct || !this.any || !this.isTrusted(direct) || forwardedFor === undefined) return direct;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    let client = direct;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalizeIp(hops[i]!.trim());
      // A malformed entry ends what can be believed; the last good hop is the answer.
      if (!hop) break;
      client = hop;
      if (!this.isTrusted(hop)) break;
    }
    return client;
  }

  private isTrusted(ip: string): boolean {
    return this.trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  }
}

/** A valid IP in its plain form (IPv4-mapped IPv6 as IPv4, IPv6 lower-case), else null. */
export function normalizeIp(value: string | undefined): string | null {
  if (!value) return null;
  let ip = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const family = isIP(ip);
  if (family === 0) return null;
  return family === 6 ? ip.toLowerCase() : ip;
}
