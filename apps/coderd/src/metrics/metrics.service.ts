import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';

/**
 * The server's Prometheus registry. Modules register their metrics here; when
 * CODER_PROMETHEUS_ADDRESS is set, /metrics is served on that address (a listener of its own, so
 * scraping never competes with the API's routes, guards or rate limits).
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnApplicationShutdown {
  readonly registry = new Registry();
  private server?: Server;
  private readonly log = new Logger('metrics');

  constructor(@Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig) {
    // Process metrics sample the event loop and observe every GC: only worth it when someone scrapes.
    if (config.prometheusAddress) collectDefaultMetrics({ register: this.registry });
  }

  async onModuleInit(): Promise<void> {
    const address = this.config.prometheusAddress;
    if (!address) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found. Metrics are at /metrics.\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => resolve());
    });
    this.server = server;
    this.log.log(`Prometheus metrics on http://${address.host}:${(server.address() as { port: number }).port}/metrics`);
  }

  /** The port actually listened on (the configured one, or the one chosen for port 0). */
  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
