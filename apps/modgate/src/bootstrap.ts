import { readFileSync } from 'node:fs';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { ModgateConfig } from '#config';
import { NestPinoLogger, RequestLogController, createLogger, exposeRequestIds, logRoutes, requestIdOf } from '#logging';
import { countConnections } from '#metrics';
import { acceptZipUploads } from '#vuln';
import { secureApiHeaders } from './api-headers.js';
import { AppModule } from './app.module.js';
import { buildOpenApiDocument } from './docs/openapi-document.js';
import { OpenApiDocs } from './docs/openapi-docs.js';

const logger = new Logger('modgate');

/**
 * Creates and starts the server; resolves once it listens. SIGTERM closes it gracefully, then
 * runs `afterClose` (stopping the embedded database).
 */
export async function bootstrap(
  config: ModgateConfig,
  log: PinoLogger = createLogger(config.log),
  afterClose: () => Promise<void> = async () => undefined,
): Promise<INestApplication> {
  const app = await createApp(config, log);
  await app.listen(config.listen.port, config.listen.host);
  if (config.auth.mode === 'off') {
    logger.warn(`MODGATE_AUTH=off: authentication is DISABLED on ${config.listen.host}:${config.listen.port}; every request is anonymous and allowed`);
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: no new connections; finishing requests in flight`);
      app
        .close()
        .then(afterClose)
        .then(
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
    logController: new RequestLogController(config.audit.trustedProxies, log),
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
  countConnections(fastify.server);
  acceptZipUploads(fastify);
  exposeRequestIds(fastify);
  secureApiHeaders(fastify);
  logRoutes(fastify, log);
  app.get(OpenApiDocs).publish(buildOpenApiDocument(app));
  return app;
}

export function listenUrl(config: ModgateConfig): string {
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  return `${config.tls ? 'https' : 'http'}://${host}:${config.listen.port}`;
}

