import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { callGithub, enc } from '../client.ts';

export const createRepo = defineAction({
  description: 'Create a repository for the authenticated user or an organisation',
  input: z.object({
    name: z.string().min(1).max(100).regex(/^[\w.-]+$/),
    org: z.string().min(1).optional(),
    description: z.string().max(350).optional(),
    private: z.boolean().default(true),
    autoInit: z.boolean().default(false),
  }),
  output: z.object({ id: z.number(), fullName: z.string(), url: z.url(), private: z.boolean() }),
  idempotent: false,
  async run(ctx, { org, autoInit, ...fields }) {
    const path = org ? `/orgs/${enc(org)}/repos` : '/user/repos';
    const repo = await callGithub<{ id: number; full_name: string; html_url: string; private: boolean }>(ctx, 'POST', path, { ...fields, auto_init: autoInit });
    return { id: repo.id, fullName: repo.full_name, url: repo.html_url, private: repo.private };
  },
});
