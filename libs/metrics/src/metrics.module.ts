import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { registerHttpMetrics } from './metrics-http.hook.js';
import { startMetricsListener } from './metrics-listener.js';
import { clusterExposition, enableProcessMetrics, processExposition } from './metrics-registry.js';

/**
 * Prometheus metrics: process metrics, the per-request hook of the main listener, and the
 * optional unauthenticated listener of MODGATE_METRICS_LISTEN. (`GET /metrics` on the main
 * listener, for admins, is a route of the app.) In cluster mode the primary serves that
 * listener with every worker's metrics summed; workers only answer it over IPC.
 */
@Module({})
export class MetricsModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private listener: Server | undefined;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    enableProcessMetrics();
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (fastify && typeof fastify.addHook === 'function') registerHttpMetrics(fastify);
  }

  async onApplicationBootstrap(): Promise<void> {
    const address = this.config.metrics.listen;
    if (!address || cluster.isWorker) return;
    this.listener = await startMetricsListener(address, processExposition);
    this.logger.log(announce(address));
  }

  async onApplicationShutdown(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    this.listener = undefined;
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

/** For the cluster primary: the MODGATE_METRICS_LISTEN listener with every worker's metrics summed. */
export async function serveClusterMetrics(address: { host: string; port: number }): Promise<Server> {
  const server = await startMetricsListener(address, clusterExposition());
  new Logger('Metrics').log(`${announce(address)}, summed over the workers`);
  return server;
}

function announce(address: { host: string; port: number }): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `metrics without credentials on http://${host}:${address.port}/metrics (MODGATE_METRICS_LISTEN)`;
}
