/** An opaque page token: the keyset position, base64url JSON. */
export function encodePageToken(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a token holds, or null when it is not one of ours (`size` strings). */
export function decodePageToken(token: string, size: number): string[] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === size && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: not a token of ours
  }
  return null;
}
