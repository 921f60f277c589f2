import { isIP } from 'node:net';
import { z } from 'zod';

/** Audit log settings (see libs/audit). */
export interface AuditConfig {
  /**
   * `false` only for benchmarks, on a loopback listener without TLS: nothing is recorded and the
   * start announces it. Otherwise every pull is committed to the audit log before it is answered.
   */
  enabled: boolean;
  /** Serve pulls when the audit log cannot be written (default: refuse them with 503). */
  failOpen: boolean;
  /** Events older than this are archived to the blob store and deleted; 0 keeps them forever. */
  retentionDays: number;
  /** Peers whose `X-Forwarded-For` is believed: IPs and CIDRs, e.g. `10.0.0.0/8`. */
  trustedProxies: string[];
}

/** `MODGATE_AUDIT`: `on` (default) or `off`. */
export const auditModeSchema = z.enum(['on', 'off']);

/** One IP or CIDR (`10.1.2.3`, `10.0.0.0/8`, `fd00::/8`). */
export function isIpOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `MODGATE_TRUSTED_PROXIES`: comma-separated (env) or a list (YAML) of IPs and CIDRs; default none. */
export const trustedProxiesSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value, ctx) => {
    const items = (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean);
    for (const item of items) {
      if (!isIpOrCidr(item)) {
        ctx.addIssue({ code: 'custom', message: `expected IP addresses or CIDRs (e.g. 10.0.0.0/8), got "${item}"` });
        return z.NEVER;
      }
    }
    return items;
  });
