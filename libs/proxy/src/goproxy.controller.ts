import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditNote } from '#audit';
import { CurrentPrincipal, ModulePull, type Principal } from '#auth';
import { GoproxyService } from './goproxy.service.js';
import { sendAnswer } from './proxy-answer.js';
import { SumdbService } from './sumdb.service.js';
import { CACHE_IMMUTABLE, CACHE_NONE } from './cache-control.js';

@Controller()
@ModulePull()
export class SumdbController {
  constructor(private readonly sumdb: SumdbService) {}

  @Get('sumdb/:name/*')
  async serve(@Param('name') name: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const path = req.url.split('?')[0]!.slice(`/sumdb/${name}/`.length);
    const { body, immutable, cacheHit } = await this.sumdb.get(name, path);
    if (cacheHit !== undefined) auditNote(req).cacheHit = cacheHit;
    return sendAnswer(reply, { contentType: 'text/plain; charset=utf-8', cacheControl: immutable ? CACHE_IMMUTABLE : CACHE_NONE, body });
  }
}

/** Everything that is not another route is a GOPROXY request: `<module>/@v/...` or `<module>/@latest`. */
@Controller()
@ModulePull()
export class GoproxyController {
  constructor(private readonly goproxy: GoproxyService) {}

  @Get('*')
  async serve(@Req() req: FastifyRequest, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.goproxy.answer(req.url, principal);
    if (answer.cacheHit !== undefined) auditNote(req).cacheHit = answer.cacheHit;
    if (answer.auditDetail) auditNote(req).detail = { ...auditNote(req).detail, ...answer.auditDetail };
    return sendAnswer(reply, answer);
  }
}
