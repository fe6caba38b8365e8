import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Pubsub } from '#db/pubsub.js';
import { DEFAULT_MODEL_PRICES, type ModelPrice } from './default-prices.js';

const PRICES_CHANNEL = 'aibridge_model_prices';
/** Without max_tokens a request is assumed to produce at most this many tokens (for reservations). */
const DEFAULT_ESTIMATED_OUTPUT_TOKENS = 4096;
/** Request bytes per input token assumed for reservations: low, so that estimates err high. */
const BYTES_PER_TOKEN_ESTIMATE = 4;

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const key = (provider: string, model: string) => `${provider}\u0000${model}`;
/** Dated snapshots (claude-sonnet-4-5-20250929, gpt-4.1-2025-04-14) cost what their model costs. */
const DATE_SUFFIX = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * Model prices, held in memory (the gateway prices every usage and estimates every request) and
 * reloaded on every replica when they change. Shipped prices fill in models without a row.
 */
@Injectable()
export class ModelPricesService implements OnModuleInit {
  private prices = new Map<string, ModelPrice>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly pubsub: Pubsub,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.write(DEFAULT_MODEL_PRICES, false);
    await this.reload();
    await this.pubsub.subscribe(PRICES_CHANNEL, (_payload, fromSelf) => {
      if (!fromSelf) void this.reload();
    });
  }

  list(): ModelPrice[] {
    return [...this.prices.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  }

  /** Sets prices (replacing existing ones), here and on every replica. */
  async upsert(prices: readonly ModelPrice[]): Promise<void> {
    await this.write(prices, true);
    await this.reload();
    await this.pubsub.publish(PRICES_CHANNEL, 'changed');
  }

  priceOf(provider: string, model: string): ModelPrice | undefined {
    return this.prices.get(key(provider, model)) ?? this.prices.get(key(provider, model.replace(DATE_SUFFIX, '')));
  }

  /** What the tokens cost, rounded up to a whole micro; an unpriced model costs 0. */
  cost(provider: string, model: string, t: TokenCounts): { micros: number; priced: boolean } {
    const p = this.priceOf(provider, model);
    if (!p) return { micros: 0, priced: false };
    const total = t.input * p.input + t.output * p.output + t.cacheRead * p.cacheRead + t.cacheWrite * p.cacheWrite;
    return { micros: Math.ceil(total / 1_000_000), priced: true };
  }

  /**
   * The most a request is expected to cost, reserved against the budget while it runs: every request
   * byte counted as a quarter token of uncached input, plus its max_tokens (or 4,096) of output.
   */
  estimate(provider: string, model: string, requestBytes: number, maxOutputTokens: number | undefined): number {
    const input = Math.ceil(requestBytes / BYTES_PER_TOKEN_ESTIMATE);
    return this.cost(provider, model, { input, output: maxOutputTokens ?? DEFAULT_ESTIMATED_OUTPUT_TOKENS, cacheRead: 0, cacheWrite: 0 }).micros;
  }

  private async reload(): Promise<void> {
    const rows: Array<Record<string, string>> = await this.ds.query(
      `SELECT provider, model, input_micros_per_mtok, output_micros_per_mtok, cache_read_micros_per_mtok, cache_write_micros_per_mtok FROM ai_model_prices`,
    );
    const next = new Map<string, ModelPrice>();
    for (const r of rows) {
      next.set(key(r.provider, r.model), {
        provider: r.provider as ModelPrice['provider'],
        model: r.model,
        input: Number(r.input_micros_per_mtok),
        output: Number(r.output_micros_per_mtok),
        cacheRead: Number(r.cache_read_micros_per_mtok),
        cacheWrite: Number(r.cache_write_micros_per_mtok),
      });
    }
    this.prices = next;
  }

  private async write(prices: readonly ModelPrice[], replace: boolean): Promise<void> {
    if (prices.length === 0) return;
    await this.ds.query(
      `INSERT INTO ai_model_prices (provider, model, input_micros_per_mtok, output_micros_per_mtok, cache_read_micros_per_mtok, cache_write_micros_per_mtok)
       SELECT x.provider, x.model, x.input, x.output, x.cache_read, x.cache_write
       FROM jsonb_to_recordset($1::jsonb) AS x(provider text, model text, input bigint, output bigint, cache_read bigint, cache_write bigint)
       ON CONFLICT (provider, model) DO ${replace ? `UPDATE SET input_micros_per_mtok = EXCLUDED.input_micros_per_mtok,
         output_micros_per_mtok = EXCLUDED.output_micros_per_mtok, cache_read_micros_per_mtok = EXCLUDED.cache_read_micros_per_mtok,
         cache_write_micros_per_mtok = EXCLUDED.cache_write_micros_per_mtok, updated_at = now()` : 'NOTHING'}`,
      [JSON.stringify(prices.map((p) => ({ provider: p.provider, model: p.model, input: p.input, output: p.output, cache_read: p.cacheRead, cache_write: p.cacheWrite })))],
    );
  }
}
