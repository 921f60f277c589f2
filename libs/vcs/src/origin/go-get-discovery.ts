import type { OriginConfig } from '#config';
import { patternPrefix } from './origin-matcher.js';

const META = /<meta\s+[^>]*name=["']?go-import["']?[^>]*>/gi;
const CONTENT = /content=(?:"([^"]*)"|'([^']*)')/i;

/**
 * The repository root of `modulePath` from the git host's `?go-get=1` page (the go command's
 * discovery): the go-import meta tag whose prefix is the path or one of its parents, with vcs git.
 * Only the prefix is used; the repository URL always comes from the origin's template.
 */
export async function discoverRepoRoot(modulePath: string, origin: OriginConfig, timeoutMs = 10_000): Promise<string | null> {
  const slash = modulePath.indexOf('/');
  const host = slash < 0 ? modulePath : modulePath.slice(0, slash);
  const rest = slash < 0 ? '' : modulePath.slice(slash);
  const base = origin.discoveryBase ?? `${origin.discoveryScheme}://${host}`;
  const response = await fetch(`${base}${rest}?go-get=1`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok) return null;
  return parseGoImport(await response.text(), modulePath, patternPrefix(origin.pattern));
}

export function parseGoImport(html: string, modulePath: string, within: string): string | null {
  let best: string | null = null;
  for (const tag of html.match(META) ?? []) {
    const content = CONTENT.exec(tag);
    const [prefix, vcs] = (content?.[1] ?? content?.[2] ?? '').trim().split(/\s+/);
    if (!prefix || vcs !== 'git') continue;
    if (modulePath !== prefix && !modulePath.startsWith(`${prefix}/`)) continue;
    if (prefix !== within && !prefix.startsWith(`${within}/`)) continue;
    if (best === null || prefix.length > best.length) best = prefix;
  }
  return best;
}
