import type { Database } from '#db';

/** A local user as stored: a scrypt hash, never the password. */
export interface LocalUserRecord {
  name: string;
  /** A new id each time the name is created. */
  id: string;
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

  /** Removes the user and revokes their tokens in one transaction. */
  async remove(name: string): Promise<boolean> {
    const [removed] = await this.prisma.$transaction([
      this.prisma.localUser.deleteMany({ where: { name } }),
      this.prisma.apiToken.updateMany({ where: { owner: name, ownerVia: 'local', revokedAt: null }, data: { revokedAt: new Date(), revokedBy: 'user removed' } }),
    ]);
    return removed.count > 0;
  }
}
