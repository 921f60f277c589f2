import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two strings of possibly different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function hmacSha256Hex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Whether a delivery is authentic: GitHub `X-Hub-Signature-256: sha256=<hex HMAC>`, Gitea
 * `X-Gitea-Signature: <hex HMAC>`, GitLab `X-Gitlab-Token: <secret>`.
 */
export function verifyWebhook(provider: 'github' | 'gitlab' | 'gitea', headers: Record<string, string | undefined>, body: Buffer, secret: string): boolean {
  switch (provider) {
    case 'github': {
      const signature = headers['x-hub-signature-256'];
      return typeof signature === 'string' && safeEqual(signature, `sha256=${hmacSha256Hex(secret, body)}`);
    }
    case 'gitea': {
      const signature = headers['x-gitea-signature'];
      return typeof signature === 'string' && safeEqual(signature, hmacSha256Hex(secret, body));
    }
    case 'gitlab': {
      const token = headers['x-gitlab-token'];
      return typeof token === 'string' && safeEqual(token, secret);
    }
  }
}
