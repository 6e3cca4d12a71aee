/**
 * The connector contract kit: checks every connector must pass, for built-ins and
 * third-party packages alike. Test-framework neutral: it returns named checks that
 * throw (node:assert) on failure; wire them into your runner.
 *
 * @example
 * const contract = connectorContract({ connector, action: 'create_customer', input: { email: 'a@b.co' },
 *   fake: () => httpFake(() => ({ body: { id: 'cus_1', email: 'a@b.co', name: null, created: 1 } })),
 *   config: (fake) => ({ baseUrl: fake.url }), secrets: { apiKey: 'sk_test_123456' } }, () => harness);
 * beforeAll(contract.setup); afterAll(contract.teardown);
 * for (const check of contract.checks) it(check.name, check.run);
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toJsonSchema } from '../../connectors/registry.ts';
import type { ConnectorDefinition } from '../../connectors/sdk/types.ts';
import { secretValuesOf } from '../security/redact.ts';
import type { ActionResult, ContractHarness } from './harness.ts';
import type { ContractFake, Fault } from './http-fake.ts';

/**
 * What {@link connectorContract} checks a connector with: its definition, a fake provider and a sample action.
 *
 * @example
 * const spec: ConnectorContractSpec = { connector: acme, config: (fake) => ({ baseUrl: fake.url }), secrets: { token: 't' }, fake: () => httpFake(respond), action: { name: 'ping', input: {} } };
 */
export interface ConnectorContractSpec {
  connector: ConnectorDefinition;
  /** The action the checks run (one that calls the provider); omit for connectors without actions (webhook-only). */
  action?: string;
  input?: unknown;
  /** Starts the provider fake (HTTP: {@link httpFake}). Omit for connectors that call nothing. */
  fake?: () => Promise<ContractFake>;
  config: (fake: ContractFake | undefined) => Record<string, unknown>;
  secrets: Record<string, unknown>;
  /** Faults to check; default: every fault the fake accepts. */
  faults?: Fault[];
  /**
   * Provider calls one successful run makes (default 1), for actions that call more
   * than once (an upload URL, then the upload): faults hit the first call.
   */
  callsPerRun?: number;
  /**
   * Also check the connector's connection `test`: ok against the fake, and an upstream
   * 401 reported as `ok: false` without secrets. The fake must answer the test's call.
   */
  connectionTest?: boolean;
}

/**
 * One named check of the contract kit.
 *
 * @example
 * for (const check of contract.checks) it(check.name, check.run);
 */
export interface ContractCheck {
  name: string;
  run(): Promise<void>;
}

const ALL_FAULTS: Fault[] = ['unauthorized', 'rateLimited', 'unavailable', 'malformed'];

/**
 * Every JSON Schema of the connector, by label.
 *
 * @example
 * for (const [label, schema] of connectorJsonSchemas(acme)) console.log(label, Object.keys(schema));
 */
export function connectorJsonSchemas(def: ConnectorDefinition): [string, object][] {
  return [
    ['config', toJsonSchema(def.config, 'input')],
    ['secrets', toJsonSchema(def.secrets, 'input')],
    ...Object.entries(def.actions).flatMap(([key, a]): [string, object][] => [
      [`${key}.input`, toJsonSchema(a.input, 'input')],
      [`${key}.output`, toJsonSchema(a.output, 'output')],
    ]),
  ];
}

/**
 * The contract checks of a connector (auth failures, rate limits, outages, malformed answers, no secrets in logs), to run as tests.
 *
 * @example
 * const contract = connectorContract(spec, () => harness);
 * beforeAll(contract.setup); afterAll(contract.teardown);
 * for (const c of contract.checks) it(c.name, c.run);
 */
export function connectorContract(spec: ConnectorContractSpec, harness: () => ContractHarness): {
  setup(): Promise<void>;
  teardown(): Promise<void>;
  checks: ContractCheck[];
} {
  let fake: ContractFake | undefined;
  let connectionId = '';
  const def = spec.connector;
  const secretValues = secretValuesOf(spec.secrets).filter((v) => v.length >= 4);

  const assertNoSecrets = (text: string, where: string) => {
    for (const v of secretValues) assert.ok(!text.includes(v), `a secret value appears in ${where}`);
  };
  const run = async (): Promise<ActionResult> => {
    const r = await harness().runAction(connectionId, spec.action!, spec.input);
    if (!r.ok) assertNoSecrets(r.message, 'the error message');
    return r;
  };
  const callsSince = (n: number) => (fake ? fake.requests().length - n : 0);
  const inject = (fault: Fault) => assert.ok(fake?.inject(fault), `the fake cannot inject ${fault}`);
  const outputSchema = spec.action ? def.actions[spec.action]?.output : undefined;
  const callsPerRun = spec.callsPerRun ?? 1;

  const checks: ContractCheck[] = [
    {
      name: 'schemas are valid JSON Schema (2020-12)',
      async run() {
        const ajv = new Ajv2020({ strict: false, validateFormats: false });
        for (const [label, schema] of connectorJsonSchemas(def)) {
          assert.ok(ajv.validateSchema(schema), `${label}: ${ajv.errorsText(ajv.errors)}`);
          ajv.compile(schema);
        }
      },
    },
    {
      name: 'an unknown action fails with INVALID_INPUT without calling the provider',
      async run() {
        const before = fake?.requests().length ?? 0;
        const r = await harness().runAction(connectionId, 'no_such_action_xyz', {});
        assert.equal(r.ok, false);
        assert.equal((r as { code: string }).code, 'INVALID_INPUT');
        assert.equal(callsSince(before), 0);
      },
    },
  ];
  if (spec.action) {
    checks.push({
      name: 'a successful call returns output that matches the output schema',
      async run() {
        assert.ok(outputSchema, `connector has no action "${spec.action}"`);
        const r = await run();
        assert.ok(r.ok, `expected success, got ${JSON.stringify(r)}`);
        assert.ok(outputSchema.safeParse(r.output).success, 'output does not match the output schema');
      },
    });
  }

  const wanted = spec.action ? (spec.faults ?? (spec.fake ? ALL_FAULTS : [])) : [];
  /** A fault check: `fault` injected into the fake, one run, then `verify` on its result and the calls since. */
  const faultCheck = (fault: Fault, name: string, verify: (r: ActionResult, before: number) => void): ContractCheck & { fault: Fault } => ({
    name,
    fault,
    async run() {
      const before = fake?.requests().length ?? 0;
      inject(fault);
      verify(await run(), before);
    },
  });
  const failedWithoutRetry = (r: ActionResult) => {
    assert.equal(r.ok, false);
    assert.equal((r as { nonRetryable: boolean }).nonRetryable, true);
  };
  const succeededAfterRetry = (r: ActionResult) => assert.ok(r.ok, `expected success after the retry, got ${JSON.stringify(r)}`);
  const faultChecks = [
    faultCheck('unauthorized', 'upstream 401 → AUTH_FAILED after exactly one attempt, secrets absent from error text', (r, before) => {
      failedWithoutRetry(r);
      assert.equal((r as { code: string }).code, 'AUTH_FAILED');
      assert.equal(callsSince(before), 1, 'a 401 must be attempted exactly once');
    }),
    faultCheck('rateLimited', '429 with Retry-After: 2 → retried no sooner than 2 s, then succeeds', (r, before) => {
      succeededAfterRetry(r);
      const calls = fake!.requests().slice(before);
      assert.equal(calls.length, 1 + callsPerRun);
      assert.ok(calls[1]!.at - calls[0]!.at >= 2000, `retried after ${calls[1]!.at - calls[0]!.at} ms`);
    }),
    faultCheck('unavailable', '5xx → retried, then succeeds', (r, before) => {
      succeededAfterRetry(r);
      assert.equal(callsSince(before), 1 + callsPerRun);
    }),
    faultCheck('malformed', 'a success response that breaks the output schema fails the step without retry', (r, before) => {
      failedWithoutRetry(r);
      assert.equal(callsSince(before), 1);
    }),
  ];
  checks.push(...faultChecks.filter((c) => wanted.includes(c.fault)));
  if (spec.connectionTest) {
    checks.push({
      name: 'the connection test passes against the provider',
      async run() {
        assert.ok(def.test, `connector "${def.key}" has no test`);
        const r = await harness().testConnection(connectionId);
        assert.ok(r?.ok, `expected ok, got ${JSON.stringify(r)}`);
        assertNoSecrets(r.message, 'the connection test message');
      },
    });
    if (spec.fake) {
      checks.push({
        name: 'the connection test reports an upstream 401 as ok: false after one call, secrets absent from its message',
        async run() {
          const before = fake!.requests().length;
          inject('unauthorized');
          const r = await harness().testConnection(connectionId);
          assert.equal(r?.ok, false, `expected ok: false, got ${JSON.stringify(r)}`);
          assert.ok(r.message.length > 0, 'the message is empty');
          assertNoSecrets(r.message, 'the connection test message');
          assert.equal(callsSince(before), 1);
        },
      });
    }
  }
  checks.push({
    name: 'secret values appear in no log line',
    async run() {
      assertNoSecrets(harness().logs.join('\n'), 'the logs');
    },
  });

  return {
    async setup() {
      fake = spec.fake ? await spec.fake() : undefined;
      connectionId = await harness().createConnection(def.key, spec.config(fake), spec.secrets);
    },
    async teardown() {
      await fake?.close();
    },
    checks,
  };
}
