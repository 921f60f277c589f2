import { escapePath, escapeVersion, unescapePath, unescapeVersion } from '#gomod';
import type { ArtifactId } from './catalog.repository.js';

const ARTIFACT_KEY = /^(.+)\/@v\/([^/]+)\.(info|mod|zip)$/;

/**
 * The artifact a blob key names (`<escaped path>/@v/<escaped version>.<kind>`, the layout
 * libs/proxy writes), or null for any other blob (audit archives, checksum database tiles) and for
 * keys not in that exact escaped form: those are never treated as artifacts.
 */
export function artifactOfKey(key: string): ArtifactId | null {
  const match = ARTIFACT_KEY.exec(key);
  if (!match) return null;
  try {
    const modulePath = unescapePath(match[1]!);
    const version = unescapeVersion(match[2]!);
    if (escapePath(modulePath) !== match[1] || escapeVersion(version) !== match[2]) return null;
    return { modulePath, version, kind: match[3]! };
  } catch {
    return null;
  }
}
