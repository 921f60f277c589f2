import { readFileSync } from 'node:fs';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { ModgateConfig } from '#config';
import { OriginMatcher } from '#vcs';
import { AppModule } from './app.module.js';

const logger = new Logger('modgate');

/** Creates and starts the server; resolves once it listens. SIGTERM closes it gracefully. */
export async function bootstrap(config: ModgateConfig): Promise<INestApplication> {
  const options = {
    // Module paths are long wildcard parameters.
    routerOptions: { maxParamLength: 4096 },
    // Only webhooks carry bodies of any size.
    bodyLimit: config.sync.webhookMaxBytes,
    return503OnClosing: true,
    // Fastify refuses some URLs before any route runs; answer those in the go command's format too.
    frameworkErrors: (error: Error, _req: unknown, reply: FastifyReply) => {
      void reply.code(400).header('content-type', 'text/plain; charset=utf-8').send(`modgate: bad request: ${error.message.split('\n')[0]}\n`);
    },
  };
  const adapter = config.tls
    ? new FastifyAdapter({ ...options, https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } })
    : new FastifyAdapter(options);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: ['log', 'warn', 'error'],
    // Webhook signatures are over the exact bytes received.
    rawBody: true,
  });
  await app.listen(config.listen.port, config.listen.host);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: no new connections; finishing requests in flight`);
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error(`shutdown failed: ${String(err)}`);
          process.exit(1);
        },
      );
    });
  }
  return app;
}

/** The lines a newcomer pastes to use this server. */
export function startBanner(config: ModgateConfig, url: string): string {
  const lines = [
    `modgate is serving on ${url}`,
    `  database: ${config.database.kind === 'postgres' ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${config.database.dir}`}`,
    `  storage:  ${config.storage.driver === 's3' ? `S3 bucket ${config.storage.bucket}` : `filesystem ${config.storage.root}`}`,
    `  upstream: ${config.upstream.length ? config.upstream.map((e) => e.url).join(', ') : 'off (cached modules only)'}`,
    '',
    'Point the go command at it:',
    `  go env -w GOPROXY=${url}`,
    `  go env -w GONOSUMDB=${privatePatterns(config).join(',')}`,
  ];
  if (config.origins.length === 0) lines.push('  (no private origins configured: GONOSUMDB stays empty)');
  if (config.sumdb.length === 0) lines.push('  go env -w GOSUMDB=off   # MODGATE_SUMDB=off: no checksum database is passed through');
  return lines.join('\n');
}

/** Module path prefixes of the private origins, in GONOSUMDB/GOPRIVATE syntax. */
function privatePatterns(config: ModgateConfig): string[] {
  return new OriginMatcher(config.origins).privatePatterns();
}

export function listenUrl(config: ModgateConfig): string {
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  return `${config.tls ? 'https' : 'http'}://${host}:${config.listen.port}`;
}

