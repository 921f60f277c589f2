import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { ArtifactRepository } from './artifact.repository.js';
import { openDatabase, type Database } from './open-database.js';
import { RefusalRepository } from './refusal.repository.js';
import { TagEventRepository } from './tag-event.repository.js';
import { VersionIndexRepository } from './version-index.repository.js';

/** Injection token of the open Database (SQL client + Prisma). */
export const DATABASE = Symbol('DATABASE');

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [MODGATE_CONFIG],
      useFactory: async (config: ModgateConfig): Promise<Database> => {
        const db = await openDatabase(config.database);
        const logger = new Logger('Database');
        logger.log(`${db.sql.description}${db.applied.length ? `, applied migrations: ${db.applied.join(', ')}` : ', schema current'}`);
        return db;
      },
    },
    { provide: ArtifactRepository, inject: [DATABASE], useFactory: (db: Database) => new ArtifactRepository(db.prisma, db.sql) },
    { provide: VersionIndexRepository, inject: [DATABASE], useFactory: (db: Database) => new VersionIndexRepository(db.prisma) },
    { provide: TagEventRepository, inject: [DATABASE], useFactory: (db: Database) => new TagEventRepository(db.prisma) },
    { provide: RefusalRepository, inject: [DATABASE], useFactory: (db: Database) => new RefusalRepository(db.prisma) },
  ],
  exports: [DATABASE, ArtifactRepository, VersionIndexRepository, TagEventRepository, RefusalRepository],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
