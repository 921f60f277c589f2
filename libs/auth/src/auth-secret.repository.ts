import { randomBytes } from 'node:crypto';
import type { Database } from '#db';

/** Secrets generated once and shared by every replica through the database. */
export class AuthSecretRepository {
  constructor(private readonly prisma: Database['prisma']) {}

  /** The secret called `name`, generating it on first use; replicas racing agree on the first one stored. */
  async getOrCreate(name: string): Promise<string> {
    await this.prisma.authSecret.createMany({ data: [{ name, value: randomBytes(48).toString('base64url') }], skipDuplicates: true });
    const row = await this.prisma.authSecret.findUnique({ where: { name } });
    if (!row) throw new Error(`secret ${name} vanished after insert`);
    return row.value;
  }
}
