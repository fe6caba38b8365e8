import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import { toValidations } from '#httpapi/validation.js';
import type { ModelPrice } from '../budgets/default-prices.js';
import { ModelPricesService } from '../budgets/model-prices.service.js';
import { AIModelPrice, type UpsertAIModelPricesRequest } from './model-prices.dto.js';

/** The same options as the global body pipe, applied to each entry. */
const ENTRY_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } };

/** The model price routes over ModelPricesService (which holds prices in memory on every replica). */
@Injectable()
export class ModelPricesApiService {
  constructor(private readonly prices: ModelPricesService) {}

  list(): AIModelPrice[] {
    return this.prices.list().map(toWire);
  }

  /** Checks every entry (all problems at once, as `prices[i].field`), then sets them in one statement. */
  async upsert(req: UpsertAIModelPricesRequest): Promise<AIModelPrice[]> {
    const invalid: ValidationError[] = [];
    const entries: AIModelPrice[] = [];
    const seen = new Map<string, number>();
    req.prices.forEach((raw, i) => {
      const field = `prices[${i}]`;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        invalid.push({ field, detail: 'Must be an object.' });
        return;
      }
      const entry = plainToInstance(AIModelPrice, raw);
      const errors = validateSync(entry, ENTRY_OPTIONS);
      if (errors.length > 0) {
        invalid.push(...toValidations(errors, field));
        return;
      }
      const key = `${entry.provider}\u0000${entry.model}`;
      const first = seen.get(key);
      if (first !== undefined) {
        invalid.push({ field: `${field}.model`, detail: `Duplicates prices[${first}]: each provider and model may appear once.` });
        return;
      }
      seen.set(key, i);
      entries.push(entry);
    });
    if (invalid.length > 0) throw new ApiError(400, 'Validation failed.', undefined, invalid);
    await this.prices.upsert(entries.map(fromWire));
    return this.list();
  }
}

function toWire(p: ModelPrice): AIModelPrice {
  return {
    provider: p.provider,
    model: p.model,
    input_micros_per_mtok: p.input,
    output_micros_per_mtok: p.output,
    cache_read_micros_per_mtok: p.cacheRead,
    cache_write_micros_per_mtok: p.cacheWrite,
  };
}

function fromWire(p: AIModelPrice): ModelPrice {
  return {
    provider: p.provider,
    model: p.model,
    input: p.input_micros_per_mtok,
    output: p.output_micros_per_mtok,
    cacheRead: p.cache_read_micros_per_mtok,
    cacheWrite: p.cache_write_micros_per_mtok,
  };
}
