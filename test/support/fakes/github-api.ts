/** A GitHub REST v3 fake: pull requests (create, merge, get) and issue labels, in GitHub's wire format. */
import type { FakeRequest, FakeResponse } from '../../../src/testing/index.ts';

const notFound: FakeResponse = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };

export interface GithubState {
  /** Pull numbers already merged (a merge answers 405 for them). */
  merged: Map<number, string>;
  /** Record merges, so merging twice answers 405 as GitHub does (default true). */
  remember?: boolean;
}

export function githubResponder(state: GithubState = { merged: new Map() }) {
  return (req: FakeRequest): FakeResponse => {
    const path = new URL(req.url, 'http://x').pathname;
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (req.method === 'GET' && path === '/user') return { body: { login: 'switchbot', id: 1, type: 'User' } };
    if (req.method === 'POST' && path === '/repos/acme/app/pulls') {
      return {
        status: 201,
        body: {
          id: 5001,
          number: 42,
          html_url: 'https://github.com/acme/app/pull/42',
          state: 'open',
          draft: body['draft'] ?? false,
          title: body['title'],
          head: { ref: body['head'], sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e' },
          base: { ref: body['base'] },
        },
      };
    }
    const merge = /^\/repos\/acme\/app\/pulls\/(\d+)\/merge$/.exec(path);
    if (req.method === 'PUT' && merge) {
      const n = Number(merge[1]);
      if (state.merged.has(n)) return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request', status: '405' } };
      const sha = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
      if (state.remember !== false) state.merged.set(n, sha);
      return { body: { sha, merged: true, message: 'Pull Request successfully merged' } };
    }
    const pull = /^\/repos\/acme\/app\/pulls\/(\d+)$/.exec(path);
    if (req.method === 'GET' && pull) {
      const sha = state.merged.get(Number(pull[1]));
      return { body: { number: Number(pull[1]), state: sha ? 'closed' : 'open', merged: !!sha, merge_commit_sha: sha ?? null, mergeable: sha ? null : false } };
    }
    if (req.method === 'POST' && /^\/repos\/acme\/app\/issues\/\d+\/labels$/.test(path)) {
      const names = (body['labels'] as string[]) ?? [];
      return { body: names.map((name, i) => ({ id: 208045946 + i, node_id: 'MDU6TGFiZWwyMDgwNDU5NDY=', url: `https://api.github.com/repos/acme/app/labels/${name}`, name, description: null, color: 'f29513', default: false })) };
    }
    return notFound;
  };
}
