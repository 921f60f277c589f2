import { writeFile } from 'node:fs/promises';

/** The bootstrap admin password the e2e tests start modgate with (MODGATE_INITIAL_ADMIN_PASSWORD). */
export const TEST_ADMIN_PASSWORD = 'e2e-admin-password-0f3c';

/** `{ authorization: 'Basic ...' }` for rawGet/rawPost. */
export function basicAuth(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** `{ authorization: 'Bearer <token>' }`. */
export function bearerAuth(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The bootstrap admin's Basic header. */
export const ADMIN_AUTH = basicAuth('admin', TEST_ADMIN_PASSWORD);

/** Writes a `.netrc` (mode 0600) with one `machine <host> login <login> password <password>` line; give its path to goEnv's `netrc`. */
export async function writeNetrc(path: string, url: string, login: string, password: string): Promise<string> {
  await writeFile(path, `machine ${new URL(url).hostname} login ${login} password ${password}\n`, { mode: 0o600 });
  return path;
}
