/**
 * RFC 4515 escaping of a value inside an LDAP search filter: `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c`, `\00`, so a user name like `*)(uid=*` matches nothing but itself.
 */
export function escapeFilterValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * RFC 4514 escaping of an attribute value inside a DN: `, + " \ < > ; =` are backslash-escaped,
 * as are a leading `#` or space and a trailing space; NUL becomes `\00`.
 */
export function escapeDnValue(value: string): string {
  let out = value
    // eslint-disable-next-line no-control-regex
    .replace(/\u0000/g, '\\00')
    .replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Replaces `{{name}}` placeholders with values already escaped for their context. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The value of the first RDN of a DN (`cn=payments,ou=groups,...` -> `payments`), unescaped. */
export function firstRdnValue(dn: string, attribute: string): string | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*|[0-9.]+)\s*=\s*((?:\\.|[^,+\\])*)/.exec(dn);
  if (!match || match[1]!.toLowerCase() !== attribute.toLowerCase()) return undefined;
  return match[2]!.trim().replace(/\\([0-9a-fA-F]{2}|.)/g, (_m, c: string) => (c.length === 2 ? String.fromCharCode(parseInt(c, 16)) : c));
}
