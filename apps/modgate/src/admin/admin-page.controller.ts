import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '#auth';

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
  'admin-vulns.js': 'text/javascript; charset=utf-8',
  'admin.css': 'text/css; charset=utf-8',
};

/** Only this origin's own files and API; no inline code, no framing. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Finds `apps/modgate/admin` above this file (source or dist layout). */
export function findAdminAssetsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'modgate', 'admin');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no apps/modgate/admin/index.html above ${from}`);
  }
}

/**
 * The admin page at `/admin`: one static HTML page, a stylesheet and a small script, no external
 * assets. The page holds no data: it logs in through the API and every call it makes carries the
 * admin's Bearer token, so the files themselves are public.
 */
@Controller('admin')
@Public()
export class AdminPageController {
  private readonly files = new Map<string, Buffer>();

  constructor() {
    const dir = findAdminAssetsDir();
    for (const name of Object.keys(TYPES)) this.files.set(name, readFileSync(join(dir, name)));
  }

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, 'index.html');
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, file);
  }

  private send(reply: FastifyReply, name: string): Buffer {
    const body = this.files.get(name);
    if (!body) throw new NotFoundException();
    reply
      .header('content-type', TYPES[name]!)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    return body;
  }
}
