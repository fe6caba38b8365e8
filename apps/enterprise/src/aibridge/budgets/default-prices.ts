// Prices shipped with the release (USD per million tokens, as the providers publish them), written
// to ai_model_prices when a model has no row yet; an administrator's price is never overwritten.

export interface ModelPrice {
  provider: 'openai' | 'anthropic';
  model: string;
  /** Micros (1 USD = 1,000,000) per million tokens. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const usd = (n: number) => Math.round(n * 1_000_000);
const openai = (model: string, input: number, output: number, cacheRead: number): ModelPrice => ({
  provider: 'openai', model, input: usd(input), output: usd(output), cacheRead: usd(cacheRead), cacheWrite: 0,
});
// Anthropic bills 5-minute cache writes at 1.25x and cache reads at 0.1x the input price.
const anthropic = (model: string, input: number, output: number): ModelPrice => ({
  provider: 'anthropic', model, input: usd(input), output: usd(output), cacheRead: usd(input * 0.1), cacheWrite: usd(input * 1.25),
});

export const DEFAULT_MODEL_PRICES: readonly ModelPrice[] = [
  openai('gpt-5', 1.25, 10, 0.125),
  openai('gpt-5-mini', 0.25, 2, 0.025),
  openai('gpt-5-nano', 0.05, 0.4, 0.005),
  openai('gpt-4.1', 2, 8, 0.5),
  openai('gpt-4.1-mini', 0.4, 1.6, 0.1),
  openai('gpt-4.1-nano', 0.1, 0.4, 0.025),
  openai('gpt-4o', 2.5, 10, 1.25),
  openai('gpt-4o-mini', 0.15, 0.6, 0.075),
  openai('o3', 2, 8, 0.5),
  openai('o4-mini', 1.1, 4.4, 0.275),
  anthropic('claude-opus-4-1', 15, 75),
  anthropic('claude-opus-4', 15, 75),
  anthropic('claude-sonnet-4-5', 3, 15),
  anthropic('claude-sonnet-4', 3, 15),
  anthropic('claude-haiku-4-5', 1, 5),
  anthropic('claude-3-5-haiku', 0.8, 4),
];
