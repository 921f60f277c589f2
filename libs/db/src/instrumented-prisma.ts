import { timeSqlOperation } from '#metrics';
import type { PrismaClient } from './generated/client.js';

/**
 * The same client with every Prisma operation (model queries and raw queries) timed into
 * modgate_db_query_duration_seconds as operation `orm`.
 */
export function instrumentPrisma(client: PrismaClient, database: 'postgres' | 'pglite'): PrismaClient {
  const extended = client.$extends({
    query: {
      $allOperations: ({ args, query }) => timeSqlOperation(database, 'orm', () => query(args)),
    },
  });
  // An extended client keeps the PrismaClient API; its type only adds the (empty) extension.
  return extended as unknown as PrismaClient;
}
