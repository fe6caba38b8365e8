import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '#coderd/metrics/metrics.service.js';

/** AI Bridge's Prometheus metrics (served with the rest on CODER_PROMETHEUS_ADDRESS). */
@Injectable()
export class GatewayMetrics {
  readonly interceptions: Counter<'provider' | 'model' | 'status'>;
  readonly inflight: Gauge<'provider'>;
  readonly duration: Histogram<'provider' | 'status'>;
  readonly tokens: Counter<'provider' | 'model' | 'type'>;
  readonly recordingFailures: Counter;
  readonly recordingDropped: Counter;
  readonly recordingPending: Gauge;
  readonly unpricedUsages: Counter<'provider' | 'model'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.interceptions = new Counter({
      name: 'coder_aibridge_interceptions_total',
      help: 'Intercepted requests by provider, model and upstream HTTP status (0: no response).',
      labelNames: ['provider', 'model', 'status'],
      registers,
    });
    this.inflight = new Gauge({ name: 'coder_aibridge_interceptions_inflight', help: 'Intercepted requests in progress.', labelNames: ['provider'], registers });
    this.duration = new Histogram({
      name: 'coder_aibridge_interceptions_duration_seconds',
      help: 'Time from receiving an intercepted request to the end of its response.',
      labelNames: ['provider', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.tokens = new Counter({
      name: 'coder_aibridge_tokens_total',
      help: 'Tokens reported by providers, by type (input, output, cache_read, cache_write).',
      labelNames: ['provider', 'model', 'type'],
      registers,
    });
    this.recordingFailures = new Counter({
      name: 'coder_aibridge_recording_failures_total',
      help: 'Batched writes of interception records that failed (each is retried).',
      registers,
    });
    this.recordingDropped = new Counter({
      name: 'coder_aibridge_recording_dropped_total',
      help: 'Records dropped because the database refused writes for so long that the queue overflowed.',
      registers,
    });
    this.unpricedUsages = new Counter({
      name: 'coder_aibridge_unpriced_token_usages_total',
      help: 'Token usages of models without a price (they add nothing to budgets).',
      labelNames: ['provider', 'model'],
      registers,
    });
    this.recordingPending = new Gauge({ name: 'coder_aibridge_recording_pending', help: 'Records queued for the next batched write.', registers });
  }
}
