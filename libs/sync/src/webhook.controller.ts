import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditNote } from '#audit';
import { Public } from '#auth';
import { WebhookService } from './webhook.service.js';

/** Git host webhooks: `POST /webhooks/github`, `/webhooks/gitlab`, `/webhooks/gitea`. Signed, not logged in: public. */
@Controller('webhooks')
@Public()
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post(':provider')
  @HttpCode(202)
  async receive(@Param('provider') provider: string, @Req() req: FastifyRequest & { rawBody?: Buffer }, @Res({ passthrough: true }) reply: FastifyReply) {
    const { status, message } = await this.webhooks.receive(provider, req.headers as Record<string, string | undefined>, req.rawBody, req.body, auditNote(req));
    reply.status(status).header('content-type', 'text/plain; charset=utf-8');
    return `${message}\n`;
  }
}
