import { defineAction } from '../../../connectors/sdk/index.ts';
import { runLlm } from './run.ts';
import { chatInputSchema, chatOutputSchema } from './schemas.ts';

/** The `chat` action every LLM connector exposes (the llm step runs the same code). */
export function defineChatAction(connector: string, description: string) {
  return defineAction({
    description,
    input: chatInputSchema,
    output: chatOutputSchema,
    idempotent: true,
    run: (ctx, input) =>
      runLlm(connector, ctx.config, ctx.secrets, { ...input, messages: input.messages ?? [{ role: 'user', content: input.prompt! }] }, { fetch: ctx.http.fetch, signal: ctx.signal }),
  });
}
