import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authenticated } from '#auth';
import { OPENAPI_JSON_PATH } from './openapi-document.js';
import { OpenApiDocs } from './openapi-docs.js';

const UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>modgate admin API</title><link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: '${OPENAPI_JSON_PATH}', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', validatorUrl: null });
`;

/** Swagger UI's own files: no inline code, nothing from another origin. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** swagger-ui-dist as installed with @nestjs/swagger (served from disk: nothing is downloaded). */
function swaggerUiDir(): string {
  const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger/package.json'));
  return dirname(fromSwagger.resolve('swagger-ui-dist/package.json'));
}

/**
 * `/api/docs`: the admin API's OpenAPI document (`/api/docs/openapi.json`) and Swagger UI, for
 * admins only (the global guard applies, unlike SwaggerModule.setup's raw Fastify routes).
 */
@Controller('api/docs')
@Authenticated({ permission: 'admin' })
@ApiExcludeController()
export class ApiDocsController {
  private readonly files = new Map<string, Buffer>();

  constructor(private readonly docs: OpenApiDocs) {
    const dir = swaggerUiDir();
    for (const name of Object.keys(UI_FILES)) this.files.set(name, readFileSync(join(dir, name)));
  }

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    this.headers(reply, 'text/html; charset=utf-8');
    return PAGE;
  }

  @Get('openapi.json')
  document(@Res({ passthrough: true }) reply: FastifyReply): string {
    const json = this.docs.json();
    if (!json) throw new NotFoundException();
    this.headers(reply, 'application/json; charset=utf-8');
    return json;
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer | string {
    if (file === 'init.js') {
      this.headers(reply, 'text/javascript; charset=utf-8');
      return INIT;
    }
    const body = this.files.get(file);
    if (!body) throw new NotFoundException();
    this.headers(reply, UI_FILES[file]!);
    return body;
  }

  private headers(reply: FastifyReply, type: string): void {
    reply.header('content-type', type).header('cache-control', 'no-store').header('content-security-policy', CSP).header('x-content-type-options', 'nosniff');
  }
}
