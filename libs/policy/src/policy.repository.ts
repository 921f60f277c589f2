import type { Database } from '#db';

/** The stored policy document of the admin API (one row, `api`). */
export interface StoredPolicy {
  body: unknown;
  updatedAt: Date;
  updatedBy: string;
}

const NAME = 'api';

export class PolicyRepository {
  constructor(private readonly prisma: Database['prisma']) {}

  async get(): Promise<StoredPolicy | null> {
    const row = await this.prisma.policyDocument.findUnique({ where: { name: NAME } });
    return row ? { body: row.body, updatedAt: row.updatedAt, updatedBy: row.updatedBy } : null;
  }

  async save(body: object, updatedBy: string): Promise<StoredPolicy> {
    const updatedAt = new Date();
    await this.prisma.policyDocument.upsert({
      where: { name: NAME },
      create: { name: NAME, body, updatedBy, updatedAt },
      update: { body, updatedBy, updatedAt },
    });
    return { body, updatedAt, updatedBy };
  }
}
