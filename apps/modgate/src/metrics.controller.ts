import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Authenticated } from '#auth';
import { processExposition } from '#metrics';

/**
 * Prometheus metrics of this process on the main listener, for admins (an admin Bearer token or
 * Basic credentials in the scrape config). MODGATE_METRICS_LISTEN adds an unauthenticated listener.
 */
@Controller('metrics')
@Authenticated({ permission: 'admin' })
export class MetricsController {
  @Get()
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { body, contentType } = await processExposition();
    reply.header('content-type', contentType).header('cache-control', 'no-store');
    return body;
  }
}
