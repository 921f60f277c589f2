import { isPseudoVersion } from '../pseudo-version.js';

/** A query resolved to a module version: what `.info` needs (spec §3.6, §5.1). */
export interface RevInfo {
  /** The canonical version (`v1.2.3`, `v2.0.0+incompatible`, or a pseudo-version). */
  version: string;
  /** Commit time, UTC, whole seconds. */
  time: Date;
  /** Full commit hash. */
  commit: string;
  /** How the query was resolved: `refs/tags/x`, `refs/heads/x`, `HEAD`; absent for a bare hash. */
  ref?: string;
}

/** Go's encoding/json string: JSON plus `\u003c \u003e \u0026 \u2028 \u2029` escapes, U+FFFD for bad UTF-16. */
function goJsonString(s: string): string {
  return JSON.stringify(s.replace(/\p{Cs}/gu, '\ufffd')).replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** RFC 3339 in UTC without fractional seconds, as Go marshals a whole-second UTC time. */
export function goTime(time: Date): string {
  return time.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The `.info` JSON as cmd/go writes it to its cache (spec §5.1): compact,
 * `{"Version","Time","Origin":{"VCS","URL","Subdir"?,"Hash","Ref"?}}` in that order. `Subdir` is D
 * (omitted when empty); `Ref` is omitted for pseudo-versions.
 */
export function infoJson(info: RevInfo, origin: { url: string; subdir: string }): string {
  const fields = [`"VCS":"git"`];
  if (origin.url !== '') fields.push(`"URL":${goJsonString(origin.url)}`);
  if (origin.subdir !== '') fields.push(`"Subdir":${goJsonString(origin.subdir)}`);
  fields.push(`"Hash":${goJsonString(info.commit)}`);
  if (info.ref !== undefined && info.ref !== '' && !isPseudoVersion(info.version)) {
    fields.push(`"Ref":${goJsonString(info.ref)}`);
  }
  return `{"Version":${goJsonString(info.version)},"Time":${goJsonString(goTime(info.time))},"Origin":{${fields.join(',')}}}`;
}
