import { gzipSync } from 'node:zlib';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ModulePull } from '#auth';
import { isAdvisoryId } from './osv-entry.js';
import { INDEX_FILES, type IndexFile } from './read-feed.js';
import { VulnRepository } from './vuln.repository.js';

/**
 * `/vulndb/`: the imported database in the protocol govulncheck reads (`GOVULNDB=<modgate>/vulndb`),
 * behind modgate's authentication like module pulls. `<name>.json` is the feed's file byte for
 * byte; `<name>.json.gz` is its gzip, which is what govulncheck's HTTP client asks for (sent as
 * `application/gzip`, not as a content encoding, so the client's own gunzip sees gzip bytes).
 */
@Controller('vulndb')
@ModulePull()
@ApiExcludeController()
export class VulnDbController {
  /** Gzipped index files, reused while the stored bytes are unchanged. */
  private readonly gzipped = new Map<string, { json: Buffer; gz: Buffer }>();

  constructor(private readonly repository: VulnRepository) {}

  @Get('index/:file')
  async index(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const { base, gz } = splitName(file);
    const name = `index/${base}.json`;
    const json = (INDEX_FILES as readonly string[]).includes(name) ? await this.repository.indexFile(name as IndexFile) : null;
    return this.send(reply, json, `index/${file}`, gz);
  }

  @Get('ID/:file')
  async entry(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const { base, gz } = splitName(file);
    const json = isAdvisoryId(base) ? await this.repository.entryBody(base) : null;
    return this.send(reply, json, `ID/${file}`, gz);
  }

  private send(reply: FastifyReply, json: Buffer | null, name: string, gz: boolean): Buffer | string {
    reply.header('cache-control', 'no-cache');
    if (!json) {
      reply.code(404).header('content-type', 'text/plain; charset=utf-8');
      return `modgate: ${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}: not in the vulnerability database\n`;
    }
    if (!gz) {
      reply.header('content-type', 'application/json');
      return json;
    }
    reply.header('content-type', 'application/gzip');
    if (!name.startsWith('index/')) return gzipSync(json);
    const cached = this.gzipped.get(name);
    if (cached?.json.equals(json)) return cached.gz;
    const body = gzipSync(json);
    this.gzipped.set(name, { json, gz: body });
    return body;
  }
}

/** `db.json` -> `db`, `GO-2024-0001.json.gz` -> `GO-2024-0001` (gz); anything else has an empty base. */
function splitName(file: string): { base: string; gz: boolean } {
  if (file.endsWith('.json.gz')) return { base: file.slice(0, -'.json.gz'.length), gz: true };
  if (file.endsWith('.json')) return { base: file.slice(0, -'.json'.length), gz: false };
  return { base: '', gz: false };
}
