/** Running actions written for a pasted token with an OAuth2 connection's access token. */
import type { OAuthSecrets } from './oauth.ts';
import type { ActionContext, ActionDefinition } from './types.ts';

/**
 * Actions written for a pasted token, run by an OAuth2 connector with its current access
 * token in the secret field they read (`token`, `botToken`, …): one set of actions serves
 * both ways of connecting.
 *
 * @example
 * actions: withAccessTokenAs('botToken', { send_message: sendMessage }),
 */
export function withAccessTokenAs<A extends Record<string, ActionDefinition>>(field: string, actions: A): { [K in keyof A]: ActionDefinition<A[K]['input'], A[K]['output'], unknown, OAuthSecrets> } {
  return Object.fromEntries(
    Object.entries(actions).map(([key, action]) => [key, { ...action, run: (ctx: ActionContext<unknown, OAuthSecrets>, input: unknown) => action.run({ ...ctx, secrets: { [field]: ctx.secrets.accessToken } }, input) }]),
  ) as never;
}
