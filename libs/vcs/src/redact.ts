const REDACTED = '<redacted>';

/** Credentials git or a server might echo: URL user-info, auth schemes, `password=`-style pairs. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /(?<=[a-z][a-z0-9+.-]*:\/\/)[^/\s@'"]+@/gi,
  /\b(?<=(?:basic|bearer|token|digest|negotiate)\s+)[A-Za-z0-9._~+/=-]{4,}/gi,
  /(?<=\bauthorization:\s*)[^\s'"][^\r\n'"]*/gi,
  /(?<=\b(?:password|passwd|token|secret|access_token|private_token)=)[^\s&'"]+/gi,
];

/**
 * Replaces anything in `text` that looks like a credential — and every occurrence of the given
 * `secrets` — with `<redacted>`. For error messages built from git's or a server's output.
 */
export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, (match) => (match.endsWith('@') ? `${REDACTED}@` : REDACTED));
  return out;
}

/**
 * The strings to redact for an HTTP auth header such as `Authorization: Basic <b64>`: the whole
 * header, its value, its credential part and, for Basic, the decoded `user:password` and password.
 */
export function secretsOfAuthHeader(header: string): string[] {
  const value = header.replace(/^[^:]*:\s*/, '');
  const credential = value.replace(/^\S+\s+/, '');
  const secrets = [header, value, credential];
  if (/^basic\s/i.test(value)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    secrets.push(decoded, password);
  }
  return secrets.filter((s) => s.length > 0);
}
