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
