import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The account an embedded Postgres runs as. */
export interface PostgresUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Postgres refuses to run as root. As root the embedded server runs as the system user `modgate`
 * when one exists, else as `nobody`; as anyone else it runs as the current user (undefined here).
 */
export function postgresUserFor(currentUid: number | undefined, passwd = readPasswd()): PostgresUser | undefined {
  if (currentUid !== 0) return undefined;
  const user = passwd.find((u) => u.name === 'modgate') ?? passwd.find((u) => u.name === 'nobody');
  if (!user) throw new Error('running as root, and neither a "modgate" nor a "nobody" user exists to run the embedded Postgres as');
  return user;
}

/** Entries of /etc/passwd (system accounts live there, not in a directory service). */
export function readPasswd(file = '/etc/passwd'): PostgresUser[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[2]!) && /^\d+$/.test(fields[3]!))
    .map(([name, , uid, gid]) => ({ name: name!, uid: Number(uid), gid: Number(gid) }));
}

/**
 * The first directory on the way to `path` (its ancestors, then `path` itself when it is a
 * directory) that `user` may not pass through (no search permission), or undefined.
 * Supplementary groups are not counted: the spawned server has none.
 */
export function blockedDirectory(path: string, user: PostgresUser): string | undefined {
  const chain: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      return undefined;
    }
    if (!st.isDirectory()) continue;
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return undefined;
}
