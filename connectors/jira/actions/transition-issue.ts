import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { callJira } from '../client.ts';
import { issueKey } from '../schemas.ts';

export const transitionIssue = defineAction({
  description: 'Move an issue through its workflow (by transition name or id)',
  input: z.object({ issueKey, transition: z.string().min(1).describe('Transition name ("Done") or id ("31")') }),
  output: z.object({ issueKey: z.string(), transitionId: z.string(), to: z.string() }),
  idempotent: true,
  async run(ctx, input) {
    const { transitions } = await callJira<{ transitions: { id: string; name: string; to?: { name?: string } }[] }>(
      ctx,
      'GET',
      `/issue/${input.issueKey}/transitions`,
    );
    const wanted = input.transition.toLowerCase();
    const t = transitions.find((x) => x.id === input.transition || x.name.toLowerCase() === wanted);
    if (!t) {
      throw new ConnectorError('INVALID_INPUT', `issue ${input.issueKey} has no transition "${input.transition}" (available: ${transitions.map((x) => x.name).join(', ')})`);
    }
    await callJira(ctx, 'POST', `/issue/${input.issueKey}/transitions`, { transition: { id: t.id } });
    return { issueKey: input.issueKey, transitionId: t.id, to: t.to?.name ?? t.name };
  },
});
