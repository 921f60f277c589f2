import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { DATABASE, type Database } from '#db';

/** Changes every replica must act on at once. `resync`: notifications may have been missed. */
export type AuthEvent =
  | { type: 'token-revoked'; jti: string }
  | { type: 'user-changed'; name: string }
  | { type: 'policy-changed' }
  | { type: 'logins-unlocked'; user?: string; ip?: string }
  | { type: 'vulndb-changed' }
  | { type: 'resync' };

const CHANNEL = 'modgate_auth';

/**
 * Broadcasts revocations and policy changes: in-process at once, and to other replicas through
 * Postgres NOTIFY on a dedicated LISTEN connection (reconnected on failure). `live` is false while
 * that connection is down; caches that depend on hearing every event then stop caching.
 */
@Injectable()
export class AuthEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuthEvents');
  private readonly emitter = new EventEmitter();
  private client: pg.Client | undefined;
  private listening = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    @Inject(DATABASE) private readonly db: Database,
  ) {
    this.emitter.setMaxListeners(100);
  }

  /** PGlite admits one process, so in-process delivery is all there is; Postgres needs the listener. */
  get live(): boolean {
    return this.config.database.kind === 'pglite' || this.listening;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.database.kind === 'postgres') await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    // Ours to close: not a lost connection to warn about.
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  on(handler: (event: AuthEvent) => void): void {
    this.emitter.on('event', handler);
  }

  /** Delivers the event here now and to the other replicas (after the caller's change is committed). */
  async publish(event: AuthEvent): Promise<void> {
    this.emitter.emit('event', event);
    if (this.config.database.kind === 'postgres') {
      await this.db.sql.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...event, from: process.pid })]);
    }
  }

  private async connect(): Promise<void> {
    if (this.config.database.kind !== 'postgres' || this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.database.url });
    const down = (why: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      if (this.listening) this.logger.warn(`LISTEN connection lost (${why}); caching of tokens is off until it is back`);
      this.listening = false;
      client.end().catch(() => undefined);
      if (!this.stopped) this.retry = setTimeout(() => void this.connect(), 1000);
    };
    client.on('error', (err) => down(err.message));
    client.on('end', () => down('closed'));
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const event = JSON.parse(message.payload) as AuthEvent & { from?: number };
        this.emitter.emit('event', event);
      } catch {
        this.logger.warn('ignored a malformed notification');
      }
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listening = true;
      // Anything published while nobody listened is unknown: start over.
      this.emitter.emit('event', { type: 'resync' } satisfies AuthEvent);
    } catch (err) {
      down((err as Error).message);
    }
  }
}
