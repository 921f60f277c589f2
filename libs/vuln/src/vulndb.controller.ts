import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ModulePull } from '#auth';
import { isAdvisoryId } from './osv-entry.js';
import { INDEX_FILES, type IndexFile } from './read-feed.js';
import { VulnRepository } from './vuln.repository.js';

/**
 * `/vulndb/`: the imported database in the protocol govulncheck reads (`GOVULNDB=<modgate>/vulndb`),
 * each file byte for byte as the feed had it, behind modgate's authentication like module pulls.
 */
@Controller('vulndb')
@ModulePull()
@ApiExcludeController()
export class VulnDbController {
  constructor(private readonly repository: VulnRepository) {}

  @Get('index/:file')
  async index(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const name = `index/${file}`;
    const body = (INDEX_FILES as readonly string[]).includes(name) ? await this.repository.indexFile(name as IndexFile) : null;
    return send(reply, body, name);
  }

  @Get('ID/:file')
  async entry(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const id = file.endsWith('.json') ? file.slice(0, -'.json'.length) : '';
    const body = isAdvisoryId(id) ? await this.repository.entryBody(id) : null;
    return send(reply, body, `ID/${file}`);
  }
}

function send(reply: FastifyReply, body: Buffer | null, name: string): Buffer | string {
  reply.header('cache-control', 'no-cache');
  if (!body) {
    reply.code(404).header('content-type', 'text/plain; charset=utf-8');
    return `modgate: ${name.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}: not in the vulnerability database\n`;
  }
  reply.header('content-type', 'application/json');
  return body;
}
