import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Where the document and its UI are served (admins only). */
export const OPENAPI_JSON_PATH = '/api/docs/openapi.json';

/**
 * The OpenAPI 3 document of the admin API (`/api/...`), from the controllers' decorators. The
 * GOPROXY, sumdb, webhook and health routes follow their own protocols and are not in it.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('modgate admin API')
    .setDescription(
      'Tokens, local users, policies, sync and the audit log of a modgate Go module registry. Every route needs credentials: ' +
        'a token as Bearer, or Basic with a user password or a token as the password. Errors are `{"error": {"code", "message"}}`; ' +
        'every response carries `X-Request-Id` (the id in the log line and the audit event).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token from POST /api/tokens.' }, 'bearer')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'User name and password (local or LDAP), or any name and a token.' }, 'basic')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('basic')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const adminPaths = Object.keys(document.paths)
    .filter((path) => path.startsWith('/api/'))
    .sort();
  document.paths = Object.fromEntries(adminPaths.map((path) => [path, document.paths[path]!]));
  return document;
}

/** The document as served and committed (`docs/openapi.json`): stable, indented, one trailing newline. */
export function openApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
