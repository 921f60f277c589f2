import type { Database } from '#db';
import type { Scope } from './principal.js';

/** A stored token: the SHA-256 of the token and its JWT id, never the token itself. */
export interface TokenRecord {
  jti: string;
  name: string;
  owner: string;
  serviceAccount: boolean;
  ownerVia: 'ldap' | 'local' | 'service';
  /** The local owner's identity when the token was issued (LocalUserRecord.id); null otherwise. */
  ownerId: string | null;
  tokenSha256: string;
  scopes: Scope[];
  modulePatterns: string[];
  groups: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** Raised when an active token of that name exists already. */
export class DuplicateTokenError extends Error {}

/** API tokens. */
export class TokenRepository {
  constructor(private readonly prisma: Database['prisma']) {}

  async find(jti: string): Promise<TokenRecord | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { jti } });
    return row ? toRecord(row) : null;
  }

  async insert(record: Omit<TokenRecord, 'createdAt' | 'revokedAt' | 'revokedBy'>): Promise<TokenRecord> {
    try {
      return toRecord(await this.prisma.apiToken.create({ data: record }));
    } catch (err) {
      // The partial unique indexes: one active token per owner and name, one per service token name.
      if ((err as { code?: string }).code === 'P2002' || /unique|duplicate/i.test((err as Error).message)) throw new DuplicateTokenError();
      throw err;
    }
  }

  async list(filter: { owner?: string; serviceAccount?: boolean; includeRevoked?: boolean }): Promise<TokenRecord[]> {
    const rows = await this.prisma.apiToken.findMany({
      where: {
        ...(filter.owner !== undefined ? { owner: filter.owner } : {}),
        ...(filter.serviceAccount !== undefined ? { serviceAccount: filter.serviceAccount } : {}),
        ...(filter.includeRevoked ? {} : { revokedAt: null }),
      },
      orderBy: [{ createdAt: 'asc' }],
      take: 1000,
    });
    return rows.map(toRecord);
  }

  /** Marks the token revoked; false when it does not exist or was revoked already. */
  async revoke(jti: string, by: string): Promise<boolean> {
    const { count } = await this.prisma.apiToken.updateMany({ where: { jti, revokedAt: null }, data: { revokedAt: new Date(), revokedBy: by } });
    return count > 0;
  }
}

type TokenRow = Awaited<ReturnType<Database['prisma']['apiToken']['create']>>;

function toRecord(row: TokenRow): TokenRecord {
  return {
    ...row,
    ownerVia: row.ownerVia as TokenRecord['ownerVia'],
    scopes: row.scopes as Scope[],
  };
}
