/**
 * Prices of model calls: a connection's `pricing` (config) over the built-in table of
 * common OpenAI and Anthropic models, per 1M tokens. Pure: the agent's model-call
 * activity prices each call with it, and the connectors' config schemas include
 * {@link llmPricingSchema}.
 *
 * @example
 * priceOf('openai', 'gpt-4o-mini', undefined) // { currency: 'USD', input: 0.15, output: 0.6 }
 */
import { z } from 'zod';

const perMillion = z.number().min(0, 'a price cannot be negative').max(1_000_000);

/** `pricing` of an LLM connection: prices per 1M input and output tokens, by model. */
export const llmPricingSchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD or EUR').default('USD'),
    models: z.record(z.string().min(1), z.object({ input: perMillion, output: perMillion }).strict()),
  })
  .strict()
  .describe("prices per 1M tokens by model (overrides the built-in table), e.g. { currency: 'EUR', models: { 'gpt-4o': { input: 2.3, output: 9.2 } } }");

export type LlmPricing = z.infer<typeof llmPricingSchema>;

/** A model's price per 1M tokens. */
export interface ModelPrice {
  currency: string;
  input: number;
  output: number;
}

/** Built-in list prices (USD per 1M tokens) of the built-in providers' common models. */
export const DEFAULT_PRICES: Readonly<Record<string, Readonly<Record<string, { input: number; output: number }>>>> = {
  openai: {
    'gpt-4o': { input: 2.5, output: 10 },
    'gpt-4o-mini': { input: 0.15, output: 0.6 },
    'gpt-4.1': { input: 2, output: 8 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4 },
    'gpt-5': { input: 1.25, output: 10 },
    'gpt-5-mini': { input: 0.25, output: 2 },
    'gpt-5-nano': { input: 0.05, output: 0.4 },
    o3: { input: 2, output: 8 },
    'o4-mini': { input: 1.1, output: 4.4 },
  },
  anthropic: {
    'claude-opus-4-1': { input: 15, output: 75 },
    'claude-opus-4-0': { input: 15, output: 75 },
    'claude-sonnet-4-5': { input: 3, output: 15 },
    'claude-sonnet-4-0': { input: 3, output: 15 },
    'claude-3-7-sonnet-latest': { input: 3, output: 15 },
    'claude-haiku-4-5': { input: 1, output: 5 },
    'claude-3-5-haiku-latest': { input: 0.8, output: 4 },
  },
};

/**
 * The price of `model` on a connection of `connector`: the connection's own table first,
 * then the built-in one (a dated model id such as `claude-sonnet-4-5-20250929` matches its
 * alias); undefined when neither knows the model.
 */
export function priceOf(connector: string, model: string, pricing: LlmPricing | undefined): ModelPrice | undefined {
  const own = pricing?.models[model];
  if (own) return { currency: pricing.currency, ...own };
  const table = DEFAULT_PRICES[connector];
  if (!table) return undefined;
  const builtIn = table[model] ?? table[model.replace(/-\d{8}$|-\d{4}-\d{2}-\d{2}$/, '')];
  return builtIn ? { currency: 'USD', ...builtIn } : undefined;
}

/** What a call with this usage costs at `price` (rounded to 1e-8). */
export function costOf(price: ModelPrice, usage: { inputTokens: number; outputTokens: number }): number {
  return Math.round(((usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000) * 1e8) / 1e8;
}
