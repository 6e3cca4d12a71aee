/**
 * What a connector provides besides actions. The `llm` step accepts any connection
 * whose connector has `capabilities.llm`; RAG indexes accept any connection whose
 * connector has `capabilities.embeddings` — built-in or from a connector package.
 * A provider implements only the call to its API: defaults, error mapping, structured
 * output, batching and the checks around it are the SDK's (`runChat`, `runEmbed`), so
 * budgets, retries and the recorded usage behave the same for every provider.
 *
 * @example
 * capabilities: {
 *   llm: { chat: async (ctx, req) => ({ text: 'hi', usage: { inputTokens: 1, outputTokens: 1 }, model: req.model, finishReason: 'stop' }) },
 * }
 */
import type { LlmRequest, LlmResponse } from './llm-contracts.ts';
import type { HttpClient } from './http-types.ts';

/**
 * What a provider call receives: the connection's validated config and decrypted secrets.
 *
 * @example
 * async embed(ctx: ProviderContext<{ baseUrl: string }, { apiKey: string }>, req) {
 *   const { body } = await ctx.http.request<{ data: number[][] }>({ method: 'POST', url: `${ctx.config.baseUrl}/embed`, headers: { authorization: `Bearer ${ctx.secrets.apiKey}` }, body: { texts: req.texts } });
 *   return { vectors: body.data };
 * }
 */
export interface ProviderContext<C = any, S = any> {
  config: C;
  /** Decrypted secrets: exist only inside the activity (or API call), never in workflow history. */
  secrets: S;
  /** SSRF-guarded HTTP; non-2xx answers of `request` are `ConnectorError`s with our codes and Retry-After. */
  http: HttpClient;
  /** Aborted when the activity is cancelled or times out. */
  signal: AbortSignal;
}

/**
 * Chat with tools, structured output and token usage.
 *
 * @example
 * const acmeLlm: LlmCapability<AcmeConfig, AcmeSecrets> = {
 *   defaultModel: 'acme-chat-1',
 *   async chat(ctx, req) { const { body } = await ctx.http.request<{ text: string; inTokens: number; outTokens: number }>({ method: 'POST', url: `${ctx.config.baseUrl}/chat`, body: req });
 *     return { text: body.text, usage: { inputTokens: body.inTokens, outputTokens: body.outTokens }, model: req.model, finishReason: 'stop' }; },
 * };
 */
export interface LlmCapability<C = any, S = any> {
  /**
   * One chat call. `request.model` is resolved (step, else `config.model`, else
   * {@link defaultModel}) and `maxTokens`/`temperature` carry `config.defaults`. Throw
   * `ConnectorError`s (or errors with an HTTP `status` and `headers`, as provider SDKs
   * do: they are mapped). With `request.output`, answer `object` or JSON `text`; the
   * SDK validates it against the schema.
   */
  chat(ctx: ProviderContext<C, S>, request: LlmRequest): Promise<LlmResponse>;
  /** Model used when neither the step nor the connection names one. */
  defaultModel?: string | undefined;
}

/**
 * What texts are embedded for: providers that distinguish (Cohere) embed them differently.
 *
 * @example
 * const inputType: EmbeddingInputType = 'query'; // 'document' when ingesting
 * await acmeEmbeddings.embed(ctx, { model: 'acme-embed-1', texts: ['refund policy'], inputType });
 */
export type EmbeddingInputType = 'document' | 'query';

/**
 * One call of {@link EmbeddingsCapability.embed}: the resolved model and at most `maxBatch` texts.
 *
 * @example
 * const req: EmbedRequest = { model: 'text-embedding-3-small', texts: ['first chunk', 'second chunk'], inputType: 'document', dimensions: 512 };
 */
export interface EmbedRequest {
  model: string;
  texts: string[];
  inputType?: EmbeddingInputType | undefined;
  /** Requested vector size; providers whose models have one fixed size may ignore it. */
  dimensions?: number | undefined;
}

/**
 * What {@link EmbeddingsCapability.embed} answers: one vector per text, in input order.
 *
 * @example
 * return { vectors: res.data.map((d) => d.embedding), model: res.model, usage: { inputTokens: res.usage.prompt_tokens } } satisfies EmbedResult;
 */
export interface EmbedResult {
  /** One vector per text, in input order. */
  vectors: number[][];
  model?: string | undefined;
  usage?: { inputTokens: number } | undefined;
}

/**
 * Embeds batches of texts (RAG indexes, the `embed` action).
 *
 * @example
 * const acmeEmbeddings: EmbeddingsCapability<AcmeConfig, AcmeSecrets> = {
 *   maxBatch: 96,
 *   defaultModel: 'acme-embed-1',
 *   async embed(ctx, req) { const { body } = await ctx.http.request<{ vectors: number[][] }>({ method: 'POST', url: `${ctx.config.baseUrl}/embed`, body: { model: req.model, input: req.texts } }); return { vectors: body.vectors }; },
 * };
 */
export interface EmbeddingsCapability<C = any, S = any> {
  /** One provider call with at most {@link maxBatch} texts. */
  embed(ctx: ProviderContext<C, S>, request: EmbedRequest): Promise<EmbedResult>;
  /** Most texts one call may carry; `runEmbed` splits larger inputs. */
  maxBatch: number;
  /** Model used when the caller names none. */
  defaultModel?: string | undefined;
  /** Vector sizes `model` can produce, when known (RAG index creation checks them). */
  dimensions?(model: string): readonly number[] | undefined;
}

/**
 * Names of the capabilities a definition provides (`["embeddings", "llm"]`), sorted.
 *
 * @example
 * capabilityNames(openaiConnector); // ['embeddings', 'llm']
 * const canEmbed = capabilityNames(def).includes('embeddings');
 */
export function capabilityNames(def: { capabilities?: object | undefined }): string[] {
  return Object.entries(def.capabilities ?? {})
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k]) => k)
    .sort();
}
