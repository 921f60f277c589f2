import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModgateConfig } from '#config';
import { openDatabase, type Database } from '#db';
import { AuthEvents } from './auth-events.service.js';
import { AuthSecretRepository } from './auth-secret.repository.js';
import { LocalUserRepository } from './local-user.repository.js';
import { LocalUserService } from './local-user.service.js';
import { TokenRepository } from './token.repository.js';
import { TokenService } from './token.service.js';

const config = {
  database: { kind: 'pglite' },
  auth: { mode: 'on', jwtSecret: 'token-identity-spec-secret-0123456789', cacheTtlSeconds: 0, tokens: { defaultTtlDays: 1, maxTtlDays: 1 } },
} as unknown as ModgateConfig;

/** Tokens of local users, on embedded PGlite: bound to the user's identity, not to the name. */
describe('local user tokens and identity', () => {
  let dir: string;
  let db: Database;
  let users: LocalUserService;
  let tokens: TokenService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modgate-token-identity-'));
    db = await openDatabase({ kind: 'pglite', dir: join(dir, 'db') });
    const events = new AuthEvents(config, db);
    const userRepository = new LocalUserRepository(db.prisma);
    users = new LocalUserService(config, userRepository, events);
    tokens = new TokenService(config, new TokenRepository(db.prisma), new AuthSecretRepository(db.prisma), userRepository, events);
    await tokens.onModuleInit();
  });

  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = async (name: string, password: string) => {
    const principal = await users.verify(name, password);
    if (!principal) throw new Error(`${name} cannot log in`);
    return principal;
  };

  it("refuses a removed user's token for a new user of the same name, even if the removal did not revoke it", async () => {
    await users.put('bob', { password: 'bob-first-password', groups: ['payments'] });
    const { token } = await tokens.issue(await login('bob', 'bob-first-password'), { name: 'laptop' });
    expect((await tokens.verify(token)).principal).toMatchObject({ user: 'bob', groups: ['payments'] });
    // A removal that revoked nothing (made straight in the database, or by an older replica).
    await db.prisma.localUser.deleteMany({ where: { name: 'bob' } });
    await users.put('bob', { password: 'bob-second-password' });
    await expect(tokens.verify(token)).rejects.toThrow('the owner of the token, bob, is disabled or removed');
  });

  it('keeps a token working across password and group changes of the same user', async () => {
    await users.put('carol', { password: 'carol-first-password', groups: ['dev'] });
    const { token } = await tokens.issue(await login('carol', 'carol-first-password'), { name: 'laptop' });
    await users.put('carol', { password: 'carol-second-password', groups: ['ops'] });
    await users.put('carol', { disabled: false });
    expect((await tokens.verify(token)).principal).toMatchObject({ user: 'carol' });
  });

  it("revokes a user's tokens when the user is removed", async () => {
    await users.put('dave', { password: 'dave-first-password' });
    const { token } = await tokens.issue(await login('dave', 'dave-first-password'), { name: 'laptop' });
    await users.remove('dave');
    await expect(tokens.verify(token)).rejects.toThrow('token revoked');
  });
});
