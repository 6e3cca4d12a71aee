/**
 * The connector actions of issue 13 (GitHub pull requests and labels, Slack file
 * uploads, Stripe payments, SendGrid, Shopify, S3, the built-in `test_connection`)
 * pass the contract kit against local fakes in the providers' wire formats, each
 * running as a real Temporal activity; then the wire details the kit does not see.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/index.ts';
import { connectorContract, createContractHarness, httpFake, type ConnectorContractSpec, type ContractHarness } from '../../src/testing/index.ts';
import { githubResponder } from '../support/fakes/github-api.ts';

const connector = (key: string): ConnectorDefinition => BUILTIN_CONNECTORS.find((c) => c.key === key)!;

const GITHUB = { config: (fake: { url: string } | undefined) => ({ baseUrl: fake!.url }), secrets: { token: 'ghp_githubsecrettoken456' } };

const specs: ConnectorContractSpec[] = [
  {
    connector: connector('github'),
    action: 'create_pull_request',
    input: { owner: 'acme', repo: 'app', title: 'Fix the build', head: 'fix-build', base: 'main' },
    fake: () => httpFake(githubResponder(), { malformed: { status: 201, body: { id: 5001, number: 42 } } }),
    ...GITHUB,
    connectionTest: true,
  },
  {
    connector: connector('github'),
    action: 'merge_pull_request',
    input: { owner: 'acme', repo: 'app', pullNumber: 42, mergeMethod: 'squash' },
    fake: () => httpFake(githubResponder({ merged: new Map(), remember: false }), { malformed: { body: { merged: true } } }),
    ...GITHUB,
  },
  {
    connector: connector('github'),
    action: 'add_labels',
    input: { owner: 'acme', repo: 'app', issueNumber: 42, labels: ['bug', 'ci'] },
    fake: () => httpFake(githubResponder(), { malformed: { body: { message: 'not a list' } } }),
    ...GITHUB,
  },
];

let harness: ContractHarness;
beforeAll(async () => {
  harness = await createContractHarness({ temporalAddress: inject('temporalAddress'), connectors: BUILTIN_CONNECTORS, ssrfAllow: ['127.0.0.1'] });
});
afterAll(async () => {
  await harness?.close();
});

for (const spec of specs) {
  describe(`contract: ${spec.connector.key}.${spec.action}`, () => {
    const contract = connectorContract(spec, () => harness);
    beforeAll(() => contract.setup());
    afterAll(() => contract.teardown());
    for (const check of contract.checks) it(check.name, () => check.run(), 30_000);
  });
}

describe('github', () => {
  it('create_pull_request sends GitHub field names; add_labels sends { labels }', async () => {
    const fake = await httpFake(githubResponder());
    try {
      const id = await harness.createConnection('github', { baseUrl: fake.url }, { token: 'ghp_githubsecrettoken789' });
      const pr = await harness.runAction(id, 'create_pull_request', { owner: 'acme', repo: 'app', title: 'T', head: 'me:feature', base: 'main', body: 'B', draft: true, maintainerCanModify: false });
      expect(pr).toMatchObject({ ok: true, output: { number: 42, draft: true, headSha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', url: 'https://github.com/acme/app/pull/42' } });
      const labels = await harness.runAction(id, 'add_labels', { owner: 'acme', repo: 'app', issueNumber: 42, labels: ['bug'] });
      expect(labels).toMatchObject({ ok: true, output: { labels: [{ name: 'bug', color: 'f29513' }] } });
      const [create, label] = fake.requests();
      expect(create!.json).toEqual({ title: 'T', head: 'me:feature', base: 'main', body: 'B', draft: true, maintainer_can_modify: false });
      expect(create!.headers.authorization).toBe('Bearer ghp_githubsecrettoken789');
      expect(create!.headers['x-github-api-version']).toBe('2022-11-28');
      expect(label!.json).toEqual({ labels: ['bug'] });
    } finally {
      await fake.close();
    }
  });

  it('merge_pull_request: a retry after a merge whose answer was lost succeeds (alreadyMerged); an unmergeable PR fails with INVALID_INPUT once', async () => {
    const merged = new Map<number, string>([[42, 'aaaaaaaa11112222333344445555666677778888']]);
    const fake = await httpFake(githubResponder({ merged }));
    try {
      const id = await harness.createConnection('github', { baseUrl: fake.url }, { token: 'ghp_githubsecrettoken789' });
      const again = await harness.runAction(id, 'merge_pull_request', { owner: 'acme', repo: 'app', pullNumber: 42, sha: '6dcb09b' });
      expect(again).toMatchObject({ ok: true, output: { merged: true, alreadyMerged: true, sha: 'aaaaaaaa11112222333344445555666677778888' } });
      expect(fake.requests().map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /repos/acme/app/pulls/42/merge', 'GET /repos/acme/app/pulls/42']);
      expect(fake.requests()[0]!.json).toEqual({ merge_method: 'merge', sha: '6dcb09b' });

      const notMergeable = await httpFake((req) => (req.method === 'PUT' ? { status: 405, body: { message: 'Pull Request is not mergeable' } } : { body: { number: 9, merged: false, merge_commit_sha: null } }));
      try {
        const id2 = await harness.createConnection('github', { baseUrl: notMergeable.url }, { token: 'ghp_githubsecrettoken789' });
        const r = await harness.runAction(id2, 'merge_pull_request', { owner: 'acme', repo: 'app', pullNumber: 9 });
        expect(r).toMatchObject({ ok: false, code: 'INVALID_INPUT', nonRetryable: true, message: expect.stringContaining('not mergeable') });
        expect(notMergeable.requests()).toHaveLength(2);
      } finally {
        await notMergeable.close();
      }
    } finally {
      await fake.close();
    }
  });
});
