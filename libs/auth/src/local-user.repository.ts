import type { Database } from '#db';

/** A local user as stored: a scrypt hash, never the password. */
export interface LocalUserRecord {
  name: string;
  passwordHash: string;
  groups: string[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Local users (the embedded default works without a directory). */
export class LocalUserRepository {
  constructor(private readonly prisma: Database['prisma']) {}

  find(name: string): Promise<LocalUserRecord | null> {
    return this.prisma.localUser.findUnique({ where: { name } });
  }

  list(): Promise<LocalUserRecord[]> {
    return this.prisma.localUser.findMany({ orderBy: { name: 'asc' } });
  }

  count(): Promise<number> {
    return this.prisma.localUser.count();
  }

  /** Inserts the user unless the name exists; true when this call created it. */
  async createOnce(user: { name: string; passwordHash: string; groups: string[] }): Promise<boolean> {
    const { count } = await this.prisma.localUser.createMany({ data: [user], skipDuplicates: true });
    return count > 0;
  }

  async upsert(user: { name: string; passwordHash?: string; groups: string[]; disabled: boolean }): Promise<void> {
    const { name, passwordHash, groups, disabled } = user;
    const now = new Date();
    if (passwordHash === undefined) {
      await this.prisma.localUser.update({ where: { name }, data: { groups, disabled, updatedAt: now } });
      return;
    }
    await this.prisma.localUser.upsert({
      where: { name },
      create: { name, passwordHash, groups, disabled },
      update: { passwordHash, groups, disabled, updatedAt: now },
    });
  }

  async remove(name: string): Promise<boolean> {
    const { count } = await this.prisma.localUser.deleteMany({ where: { name } });
    return count > 0;
  }
}
