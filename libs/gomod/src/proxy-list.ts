/** One entry of a GOPROXY-syntax list. */
export interface ProxyListEntry {
  url: string;
  /** True when the entry is followed by `|`: fall through to the next entry on any error. With
   * `,` (or at the end) only 404 and 410 fall through. */
  fallThroughOnAnyError: boolean;
}

/**
 * Parses a list in the go command's GOPROXY syntax: URLs separated by `,` (next on 404/410) or `|`
 * (next on any error); `off` anywhere stops the list there (Go 1.15+). `direct` has no meaning for
 * an upstream chain and is refused. An empty result means "no upstream".
 */
export function parseProxyList(value: string): ProxyListEntry[] {
  const entries: ProxyListEntry[] = [];
  const tokens = value.trim().split(/([,|])/);
  for (let i = 0; i < tokens.length; i += 2) {
    const raw = tokens[i]!.trim();
    const separator = tokens[i + 1];
    if (raw === '') {
      if (value.trim() === '') return [];
      throw new Error(`empty entry in proxy list "${value}"`);
    }
    if (raw === 'off') break;
    if (raw === 'direct' || raw === 'noproxy') {
      throw new Error(`"${raw}" is not an upstream proxy; private modules come from configured origins`);
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`"${raw}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`"${raw}" must be an http or https URL`);
    }
    if (url.username || url.password) {
      throw new Error(`"${url.host}" must not carry credentials in its URL`);
    }
    entries.push({ url: raw.replace(/\/+$/, ''), fallThroughOnAnyError: separator === '|' });
  }
  return entries;
}
