/** The login and password a `.netrc` holds for one host. */
export interface NetrcEntry {
  login: string;
  password: string;
}

/**
 * The entry for `host` in a `.netrc` text, as the go command reads it: `machine <host>` entries
 * (tokens separated by any whitespace), then a `default` entry; `macdef` bodies are skipped.
 */
export function netrcEntryFor(text: string, host: string): NetrcEntry | undefined {
  const tokens = text.split(/\s+/).filter(Boolean);
  let fallback: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; ) {
    const word = tokens[i]!;
    if (word !== 'machine' && word !== 'default') {
      i++;
      continue;
    }
    const machine = word === 'machine' ? tokens[i + 1] : undefined;
    i += word === 'machine' ? 2 : 1;
    const entry: Partial<NetrcEntry> = {};
    while (i < tokens.length && tokens[i] !== 'machine' && tokens[i] !== 'default') {
      const [name, value] = [tokens[i]!, tokens[i + 1]];
      if (name === 'login' && value !== undefined) entry.login = value;
      if (name === 'password' && value !== undefined) entry.password = value;
      i += name === 'login' || name === 'password' || name === 'account' ? 2 : 1;
    }
    if (entry.login === undefined || entry.password === undefined) continue;
    if (machine === host) return entry as NetrcEntry;
    if (machine === undefined) fallback ??= entry as NetrcEntry;
  }
  return fallback;
}

/** Where an entry (`machine <host> ...` or `default ...`) lies in a `.netrc` text. */
interface EntrySpan {
  /** Undefined for the `default` entry. */
  machine: string | undefined;
  start: number;
  /** Just past the entry: its last word and the blanks after it, up to and with the line end. */
  end: number;
}

/**
 * The entries of a `.netrc` text with their byte ranges, read as the go command reads them:
 * whitespace-separated words, a `macdef` body running to the next empty line.
 */
function entrySpans(text: string): EntrySpan[] {
  const spans: EntrySpan[] = [];
  let current: EntrySpan | undefined;
  const word = /\S+/g;
  for (let match = word.exec(text); match; match = word.exec(text)) {
    const [token] = match;
    if (token === 'machine' || token === 'default') {
      if (current) spans.push(current);
      current = { machine: undefined, start: match.index, end: match.index + token.length };
      if (token === 'machine') {
        const host = word.exec(text);
        if (host) {
          current.machine = host[0];
          current.end = host.index + host[0].length;
        }
      }
      continue;
    }
    if (!current) continue;
    if (token === 'login' || token === 'password' || token === 'account') {
      const value = word.exec(text);
      if (value) current.end = value.index + value[0].length;
    } else if (token === 'macdef') {
      // The macro body: from the line after `macdef <name>` to the next empty line.
      const lineEnd = text.indexOf('\n', match.index);
      const blank = lineEnd < 0 ? -1 : text.indexOf('\n\n', lineEnd);
      current.end = blank < 0 ? text.length : blank + 1;
      word.lastIndex = current.end;
    }
    // Any other word (a `#` comment, say) is no part of the entry and is kept where it is.
  }
  if (current) spans.push(current);
  for (const span of spans) {
    span.end += /^[ \t]*(\r?\n)?/.exec(text.slice(span.end))![0].length;
  }
  return spans;
}

/** Hostnames are matched the way the go command does: `URL.Hostname()`, without brackets or port. */
export function netrcHost(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

/**
 * `text` with the entries for `host` replaced by one `machine <host> login <login> password
 * <password>` line, in the place of the first (or before `default`, or at the end). Every other
 * byte is kept as it was.
 */
export function setNetrcEntry(text: string, host: string, login: string, password: string): string {
  for (const value of [host, login, password]) {
    if (!/^\S+$/.test(value)) throw new Error(`a .netrc word cannot be empty or hold white space: ${JSON.stringify(value === password ? '<password>' : value)}`);
  }
  const line = `machine ${host} login ${login} password ${password}\n`;
  const spans = entrySpans(text);
  const own = spans.filter((span) => span.machine === host);
  if (own.length > 0) {
    const [first, ...others] = own;
    let result = text;
    for (const span of others.reverse()) result = result.slice(0, span.start) + result.slice(span.end);
    return result.slice(0, first!.start) + line + result.slice(first!.end);
  }
  const fallback = spans.find((span) => span.machine === undefined);
  if (fallback) return text.slice(0, fallback.start) + line + text.slice(fallback.start);
  return text === '' || text.endsWith('\n') ? text + line : `${text}\n${line}`;
}

/** `text` without the entries for `host`, and whether there were any. */
export function removeNetrcEntry(text: string, host: string): { text: string; removed: boolean } {
  const own = entrySpans(text).filter((span) => span.machine === host);
  let result = text;
  for (const span of own.reverse()) result = result.slice(0, span.start) + result.slice(span.end);
  return { text: result, removed: own.length > 0 };
}
