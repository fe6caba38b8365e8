import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';

export const PRICE_PROVIDERS = ['openai', 'anthropic'] as const;
/** More prices than this in one request is a mistake, not a price list. */
export const MAX_PRICES_PER_REQUEST = 500;
export const MAX_MODEL_LENGTH = 256;

const PRICE = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const INTEGER = 'Must be an integer.';
const NON_NEGATIVE = 'Must be 0 or more.';
const TOO_LARGE = `Must be at most ${Number.MAX_SAFE_INTEGER}.`;

/**
 * The price of one model, in micros (1 USD = 1,000,000) per million tokens. Usage of a dated
 * snapshot (`claude-sonnet-4-5-20250929`) is priced as its model (`claude-sonnet-4-5`) unless the
 * snapshot has a price of its own.
 */
export class AIModelPrice {
  /** The provider's API the model is reached through. */
  @ApiProperty({ enum: PRICE_PROVIDERS })
  @IsIn(PRICE_PROVIDERS, { message: `Must be one of: ${PRICE_PROVIDERS.join(', ')}.` })
  provider: (typeof PRICE_PROVIDERS)[number];

  /** The model id as clients send it. */
  @ApiProperty({ minLength: 1, maxLength: MAX_MODEL_LENGTH, example: 'gpt-4.1' })
  @IsString({ message: 'Must be a string.' })
  @IsNotEmpty({ message: 'Must not be empty.' })
  @MaxLength(MAX_MODEL_LENGTH, { message: `Must be at most ${MAX_MODEL_LENGTH} characters.` })
  model: string;

  /** Uncached input tokens, micros per million. */
  @ApiProperty(PRICE)
  @IsInt({ message: INTEGER }) @Min(0, { message: NON_NEGATIVE }) @Max(Number.MAX_SAFE_INTEGER, { message: TOO_LARGE })
  input_micros_per_mtok: number;

  /** Output tokens, micros per million. */
  @ApiProperty(PRICE)
  @IsInt({ message: INTEGER }) @Min(0, { message: NON_NEGATIVE }) @Max(Number.MAX_SAFE_INTEGER, { message: TOO_LARGE })
  output_micros_per_mtok: number;

  /** Input tokens read from the provider's prompt cache, micros per million. */
  @ApiProperty(PRICE)
  @IsInt({ message: INTEGER }) @Min(0, { message: NON_NEGATIVE }) @Max(Number.MAX_SAFE_INTEGER, { message: TOO_LARGE })
  cache_read_micros_per_mtok: number;

  /** Input tokens written to the provider's prompt cache, micros per million (0 where the provider does not bill writes). */
  @ApiProperty(PRICE)
  @IsInt({ message: INTEGER }) @Min(0, { message: NON_NEGATIVE }) @Max(Number.MAX_SAFE_INTEGER, { message: TOO_LARGE })
  cache_write_micros_per_mtok: number;
}

/**
 * Prices to set: each replaces the model's price (every field), models not listed keep theirs.
 * Entries are checked one by one; problems are reported per field as `prices[i].field`.
 */
export class UpsertAIModelPricesRequest {
  /** At most 500 entries, each (provider, model) at most once. */
  @ApiProperty({ type: [AIModelPrice], maxItems: MAX_PRICES_PER_REQUEST })
  @IsArray({ message: 'Must be an array.' })
  @ArrayMaxSize(MAX_PRICES_PER_REQUEST, { message: `Must have at most ${MAX_PRICES_PER_REQUEST} entries.` })
  prices: unknown[];
}
