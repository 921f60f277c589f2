import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { AuthEvents } from './auth-events.service.js';
import { InvalidRequestError, RecordNotFoundError } from './auth.errors.js';
import { LocalUserRepository } from './local-user.repository.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password-hash.js';
import { ADMIN_GROUP, USER_NAME, type Principal } from './principal.js';

/** The bootstrap admin made on the first start; `password` only when it was generated (shown once). */
export interface InitialAdmin {
  name: string;
  password?: string;
}

/** A local user as the admin API shows it. */
export interface LocalUserInfo {
  name: string;
  groups: string[];
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export const BOOTSTRAP_ADMIN = 'admin';

/**
 * Local users with scrypt-hashed passwords, so modgate works without a directory. On the first
 * start with no local users, an `admin` in the `modgate-admins` group is created with
 * MODGATE_INITIAL_ADMIN_PASSWORD or a generated password that the start banner shows once.
 */
@Injectable()
export class LocalUserService implements OnModuleInit {
  private readonly logger = new Logger('LocalUsers');
  private created: InitialAdmin | undefined;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly users: LocalUserRepository,
    private readonly events: AuthEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.auth.mode === 'off' || (await this.users.count()) > 0) return;
    const fromEnv = this.config.auth.initialAdminPassword;
    const password = fromEnv ?? randomBytes(18).toString('base64url');
    // Replicas starting together: only the one whose insert wins announces the admin.
    if (await this.users.createOnce({ name: BOOTSTRAP_ADMIN, passwordHash: await hashPassword(password), groups: [ADMIN_GROUP] })) {
      this.created = fromEnv ? { name: BOOTSTRAP_ADMIN } : { name: BOOTSTRAP_ADMIN, password };
      this.logger.log(`created the bootstrap admin user "${BOOTSTRAP_ADMIN}"${fromEnv ? ' with MODGATE_INITIAL_ADMIN_PASSWORD' : ' (password in the start banner, shown once)'}`);
    }
  }

  /** The bootstrap admin this start created, once: the banner shows it, then it is forgotten. */
  takeInitialAdmin(): InitialAdmin | undefined {
    const created = this.created;
    if (this.created) this.created = { name: this.created.name };
    return created;
  }

  /**
   * The principal for a local user's password; null for a wrong password or a disabled user;
   * undefined when there is no such local user (the directory may know them).
   */
  async verify(name: string, password: string): Promise<Principal | null | undefined> {
    const user = USER_NAME.test(name) ? await this.users.find(name) : null;
    if (!user) return undefined;
    if (!(await verifyPassword(password, user.passwordHash)) || user.disabled) return null;
    return { kind: 'user', name: user.name, groups: user.groups, scopes: ['read', 'admin'], via: 'local', userId: user.id };
  }

  /** Spends what a real check costs, so an unknown user name cannot be told from a wrong password. */
  async burnVerification(password: string): Promise<void> {
    await verifyPassword(password, DUMMY_PASSWORD_HASH);
  }

  async list(): Promise<LocalUserInfo[]> {
    return (await this.users.list()).map(toInfo);
  }

  /** Creates or updates a local user; a new user needs a password. */
  async put(name: string, change: { password?: string; groups?: string[]; disabled?: boolean }): Promise<LocalUserInfo> {
    if (!USER_NAME.test(name)) throw new InvalidRequestError('user names are 1-64 letters, digits, ".", "_", "@" or "-"');
    const existing = await this.users.find(name);
    if (!existing && change.password === undefined) throw new InvalidRequestError(`a new user needs a password`);
    await this.users.upsert({
      name,
      passwordHash: change.password === undefined ? undefined : await hashPassword(change.password),
      groups: change.groups ?? existing?.groups ?? [],
      disabled: change.disabled ?? existing?.disabled ?? false,
    });
    await this.events.publish({ type: 'user-changed', name });
    return toInfo((await this.users.find(name))!);
  }

  async remove(name: string): Promise<void> {
    if (!(await this.users.remove(name))) throw new RecordNotFoundError(`no local user ${name}`);
    await this.events.publish({ type: 'user-changed', name });
  }
}

function toInfo(user: { name: string; groups: string[]; disabled: boolean; createdAt: Date; updatedAt: Date }): LocalUserInfo {
  return { name: user.name, groups: user.groups, disabled: user.disabled, createdAt: user.createdAt.toISOString(), updatedAt: user.updatedAt.toISOString() };
}
