/**
 * The OpenAPI document describes what the server does: required bodies, the
 * statuses every kind of route answers, nullable fields, enums, one error shape,
 * links for created ids, the automation definition as a real schema, and 405 with
 * `Allow` for methods a path does not have. (Schemathesis runs the full check in CI:
 * scripts/schemathesis.sh.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_TYPES } from '../../src/automations/definition.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('OpenAPI contract', () => {
  let stack: TestStack;
  let doc: Json;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as Json;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const op = (method: string, path: string): Json => {
    const o = doc['paths'][path]?.[method];
    if (!o) throw new Error(`no ${method} ${path} in the document`);
    return o as Json;
  };
  const schemas = (): Json => doc['components']['schemas'];

  it('marks request bodies required where an absent body is refused', () => {
    expect(op('post', '/api/v1/automations')['requestBody']['required']).toBe(true);
    expect(op('post', '/api/v1/rag/indexes/{id}/query')['requestBody']['required']).toBe(true);
    expect(op('post', '/api/v1/runs/{workflowId}/approvals/{stepId}')['requestBody']['required']).toBe(true);
    // Every field optional: the body may be left out.
    expect(op('post', '/api/v1/automations/{id}/runs')['requestBody']['required']).toBe(false);
  });

  it('documents the statuses every kind of route answers, in one shape', () => {
    const statuses = (o: Json) => Object.keys(o['responses']);
    expect(statuses(op('get', '/api/v1/connectors'))).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(statuses(op('get', '/api/v1/connections/{id}'))).toContain('404');
    expect(statuses(op('post', '/api/v1/connections/{id}/test'))).toContain('404');
    for (const [method, path] of [
      ['get', '/api/v1/runs'],
      ['get', '/api/v1/runs/{workflowId}'],
      ['post', '/api/v1/automations/{id}/runs'],
      ['post', '/api/v1/connections/{id}/actions/{action}'],
      ['get', '/api/v1/approvals'],
      ['post', '/approval-links/{token}'],
    ] as const) {
      const r = op(method, path)['responses']['503'];
      expect(r, `${method} ${path}`).toBeDefined();
      expect(r['headers']['Retry-After']).toBeDefined();
    }
    expect(statuses(op('post', '/api/v1/automations'))).toEqual(expect.arrayContaining(['413', '415']));
    expect(statuses(op('post', '/mcp'))).toEqual(expect.arrayContaining(['401', '403', '406']));
    // Public routes carry no 401/403 of API keys.
    expect(statuses(op('get', '/healthz'))).not.toContain('401');
    const error = schemas()['Error']['properties']['error'];
    expect(error['properties']['details']).toEqual({ type: 'array', items: { $ref: '#/components/schemas/ErrorDetail' } });
    expect(schemas()['ErrorDetail']['required']).toEqual(['path', 'message']);
  });

  it('makes nullable fields nullable and lists enums', () => {
    const embedding = schemas()['RagIndex']['properties']['embedding'];
    expect(embedding['anyOf']).toEqual([{ $ref: '#/components/schemas/RagEmbedding' }, { type: 'null' }]);
    const create = op('post', '/api/v1/connections')['requestBody']['content']['application/json']['schema'];
    expect(create['properties']['connector']['enum']).toEqual(stack.services.connectors.list().map((c) => c.key));
    expect(op('post', '/webhooks/{connector}/{connectionId}')['parameters'][0]['schema']['enum']).toContain('github');
    // zod's .int() refuses unsafe integers: the document bounds them.
    const budget = op('post', '/api/v1/automations/{id}/runs')['requestBody']['content']['application/json']['schema'];
    const maxTokens = (schemas()[budget['$ref'].split('/').pop()]['properties']['budget']['properties']['maxTokens']) as Json;
    expect(maxTokens).toMatchObject({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
  });

  it('registers the automation definition: a union of step types, not an opaque object', () => {
    const body = op('post', '/api/v1/automations')['requestBody']['content']['application/json']['schema'];
    expect(body).toEqual({ $ref: '#/components/schemas/AutomationDefinition' });
    const def = schemas()['AutomationDefinition'];
    expect(def['required']).toEqual(['name', 'trigger', 'steps']);
    expect(def['additionalProperties']).toBe(false);
    expect(def['properties']['steps']['items']).toEqual({ $ref: '#/components/schemas/AutomationStep' });
    const variants = schemas()['AutomationStep']['oneOf'] as Json[];
    const types = variants.flatMap((v) => v['properties']['type']['enum'] as string[]);
    expect(types.sort()).toEqual([...STEP_TYPES].sort());
    for (const v of variants) expect(v['required']).toContain('id');
    expect(JSON.stringify(op('get', '/api/v1/automations/{id}')['responses']['200'])).toContain('Automation');
    expect(schemas()['Automation']['properties']['definition']).toEqual({ $ref: '#/components/schemas/AutomationDefinition' });
  });

  it('links created ids to the operations that use them', () => {
    const links = op('post', '/api/v1/automations')['responses']['201']['links'];
    expect(links['GetAutomation']).toEqual({ operationId: 'getApiV1AutomationsId', parameters: { id: '$response.body#/id' } });
    expect(op('get', '/api/v1/automations/{id}')['operationId']).toBe('getApiV1AutomationsId');
    const operationIds = new Set(Object.values(doc['paths'] as Json).flatMap((p: Json) => Object.values(p).map((o: Json) => o['operationId'])));
    for (const [path, item] of Object.entries(doc['paths'] as Json)) {
      for (const [method, o] of Object.entries(item as Json)) {
        for (const r of Object.values((o as Json)['responses'] as Json)) {
          for (const link of Object.values(((r as Json)['links'] ?? {}) as Json)) {
            expect(operationIds.has((link as Json)['operationId']), `${method} ${path} → ${(link as Json)['operationId']}`).toBe(true);
          }
        }
      }
    }
    expect(op('post', '/api/v1/rag/indexes/{id}/documents')['responses']['202']['links']['GetIngestion']['parameters']).toEqual({ id: '$response.body#/ingestionId' });
  });

  it('answers 405 with Allow for a method the path does not have', async () => {
    const root = await fetch(`${stack.baseUrl}/healthz`, { method: 'DELETE' });
    expect(root.status).toBe(405);
    expect(root.headers.get('allow')).toBe('GET, HEAD');
    expect((await root.json()) as Json).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
    const v1 = await stack.api('/api/v1/connectors', { method: 'PUT' });
    expect(v1.status).toBe(405);
    expect(v1.headers.get('allow')).toBe('GET, HEAD');
    const item = await stack.api('/api/v1/automations/auto_x', { method: 'POST' });
    expect(item.status).toBe(405);
    expect(item.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE');
    expect((await stack.api('/api/v1/nothing-here')).status).toBe(404);
  });

  it('refuses a body left out where one is required, and ids with control characters, with 400', async () => {
    const res = await stack.api('/api/v1/rag/indexes/rag_x/query', { method: 'POST' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Json;
    expect(body['error']['details']).toEqual([{ path: 'body.query', message: expect.any(String) }]);
    const nul = await stack.api('/api/v1/runs?automationId=%00');
    expect(nul.status).toBe(400);
    // A quoted metadata key once reached SQL as text (500); keys are now stated and checked.
    const index = (await (await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'contract-kb' } })).json()) as Json;
    const quoted = await stack.api(`/api/v1/rag/indexes/${index['id']}/documents`, { method: 'POST', json: { documents: [{ id: 'd1', text: 'x', metadata: { "it's": 1 } }] } });
    expect(quoted.status).toBe(400);
    expect(((await quoted.json()) as Json)['error']['details'][0]['path']).toMatch(/^body\.documents\.0/);
  });
});
