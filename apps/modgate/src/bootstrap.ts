import { readFileSync } from 'node:fs';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { InitialAdmin } from '#auth';
import type { ModgateConfig } from '#config';
import { NestPinoLogger, RequestLogController, createLogger, exposeRequestIds, logRoutes, requestIdOf } from '#logging';
import { OriginMatcher } from '#vcs';
import { secureApiHeaders } from './api-headers.js';
import { AppModule } from './app.module.js';
import { buildOpenApiDocument } from './docs/openapi-document.js';
import { OpenApiDocs } from './docs/openapi-docs.js';

const logger = new Logger('modgate');

/** Creates and starts the server; resolves once it listens. SIGTERM closes it gracefully. */
export async function bootstrap(config: ModgateConfig, log: PinoLogger = createLogger(config.log)): Promise<INestApplication> {
  const app = await createApp(config, log);
  await app.listen(config.listen.port, config.listen.host);
  if (config.auth.mode === 'off') {
    logger.warn(`MODGATE_AUTH=off: authentication is DISABLED on ${config.listen.host}:${config.listen.port}; every request is anonymous and allowed`);
  }
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

/**
 * The application, not yet listening: every log line (Nest's, Fastify's, one per request) goes
 * through `log`; requests get their id from `X-Request-Id` or a new UUID.
 */
export async function createApp(config: ModgateConfig, log: PinoLogger): Promise<NestFastifyApplication> {
  const options = {
    loggerInstance: log,
    logController: new RequestLogController(config.audit.trustedProxies),
    genReqId: requestIdOf,
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
    logger: new NestPinoLogger(log),
    // Webhook signatures are over the exact bytes received.
    rawBody: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  exposeRequestIds(fastify);
  secureApiHeaders(fastify);
  logRoutes(fastify, log);
  app.get(OpenApiDocs).publish(buildOpenApiDocument(app));
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
  lines.push('', ...authBanner(config, url));
  if (!config.audit.enabled) lines.push('!!! MODGATE_AUDIT=off: THE AUDIT LOG IS OFF. Pulls are not recorded; for benchmarks only.');
  return lines.join('\n');
}

/** How to authenticate, or the loud warning that nobody has to (MODGATE_AUTH=off). */
function authBanner(config: ModgateConfig, url: string): string[] {
  if (config.auth.mode === 'off') {
    return [
      '!!! MODGATE_AUTH=off: AUTHENTICATION IS DISABLED. Every request is anonymous and allowed (deny rules still apply).',
      '!!! Accepted only because this listener is loopback without TLS; never use it for anything but a local try-out or a benchmark.',
    ];
  }
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const lines = [
    `Every request needs credentials (${config.auth.ldap ? `LDAP ${config.auth.ldap.url}, ` : ''}local users or tokens). Put them in ~/.netrc:`,
    `  machine ${host} login <user> password <password or token>`,
  ];
  if (!config.tls) lines.push('  (the go command sends .netrc credentials only over HTTPS: set MODGATE_TLS_CERT and MODGATE_TLS_KEY)');
  return lines;
}

/** The bootstrap admin's credentials, shown once on the start that created it. */
export function initialAdminBanner(admin: InitialAdmin | undefined): string {
  if (!admin) return '';
  if (!admin.password) return `\nCreated the admin user "${admin.name}" with the password in MODGATE_INITIAL_ADMIN_PASSWORD.\n`;
  return [
    '',
    `Created the admin user "${admin.name}". Its password is shown this once; store it now:`,
    `  ${admin.password}`,
    'Create tokens with it (POST /api/tokens) and add users or LDAP group bindings; see README "Authentication".',
    '',
  ].join('\n');
}

/** Module path prefixes of the private origins, in GONOSUMDB/GOPRIVATE syntax. */
function privatePatterns(config: ModgateConfig): string[] {
  return new OriginMatcher(config.origins).privatePatterns();
}

export function listenUrl(config: ModgateConfig): string {
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  return `${config.tls ? 'https' : 'http'}://${host}:${config.listen.port}`;
}

