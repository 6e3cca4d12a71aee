/**
 * The deployment files are valid and scale by construction: docker/compose.yaml against the
 * Compose Specification's JSON Schema, deploy/k8s/*.yaml against the Kubernetes 1.33 strict
 * schemas (both vendored in test/fixtures/schemas), plus the properties scaling relies on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.ts';

const SCHEMAS = join(REPO_ROOT, 'test/fixtures/schemas');
const readJson = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Record<string, unknown>;

/**
 * The Compose schema as Ajv reads it: its `$schema` names draft 2019-09 by a URI Ajv does not
 * register, and its `id` annotations (draft-04 spelling, `#/definitions/...`) name nothing that
 * is referenced; both are dropped, every rule stays.
 */
function composeSchema(): Record<string, unknown> {
  const drop = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(drop);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).filter(([k, v]) => !((k === 'id' && typeof v === 'string') || k === '$schema')).map(([k, v]) => [k, drop(v)]));
  };
  return drop(readJson('compose-spec.json')) as Record<string, unknown>;
}

interface ComposeService {
  image?: string;
  ports?: unknown[];
  expose?: unknown[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  environment?: Record<string, string>;
  command?: string[];
}
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const compose = parse(readFileSync(join(REPO_ROOT, 'docker/compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const manifests: K8sObject[] = readdirSync(join(REPO_ROOT, 'deploy/k8s'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy/k8s', f), 'utf8')).map((d) => d.toJS() as K8sObject));

describe('docker/compose.yaml', () => {
  it('is valid against the Compose Specification', () => {
    const validate = new Ajv2019({ strict: false, allErrors: true, validateFormats: false, logger: false }).compile(composeSchema());
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const misspelt = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    misspelt.services['api']!['helthcheck'] = misspelt.services['api']!['healthcheck'];
    expect(validate(misspelt)).toBe(false);
  });

  it('can run several api and worker replicas: no fixed host port, container name or hostname on them', () => {
    for (const name of ['api', 'worker']) {
      const svc = compose.services[name]! as ComposeService & Record<string, unknown>;
      expect(svc.ports, name).toBeUndefined();
      expect(svc['container_name'], name).toBeUndefined();
      expect(svc['hostname'], name).toBeUndefined();
    }
    expect(compose.services['api']!.expose).toEqual(['3000']);
  });

  it('puts a reverse proxy in front of the api replicas, the only service publishing the API port', () => {
    const publishers = Object.entries(compose.services).filter(([, s]) => (s.ports ?? []).some((p) => String(p).endsWith(':80') || String(p).startsWith('3000:')));
    expect(publishers.map(([n]) => n)).toEqual(['proxy']);
    expect(compose.services['proxy']!.depends_on).toMatchObject({ api: { condition: 'service_healthy' } });
    const caddyfile = readFileSync(join(REPO_ROOT, 'docker/Caddyfile'), 'utf8');
    expect(caddyfile).toMatch(/dynamic a \{\s*name api\s*port 3000/);
  });

  it('has a health check on every long-running service; only the one-shot migrate job disables it', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (name === 'migrate') {
        expect(svc.healthcheck).toEqual({ disable: true });
        continue;
      }
      expect(svc.healthcheck?.test, name).toBeDefined();
      expect(svc.healthcheck?.disable, name).toBeUndefined();
    }
  });

  it('starts migrate only once PostgreSQL and Temporal are healthy, api and worker once it completed', () => {
    expect(compose.services['migrate']!.depends_on).toEqual({ postgresql: { condition: 'service_healthy' }, temporal: { condition: 'service_healthy' } });
    for (const name of ['api', 'worker']) expect(compose.services[name]!.depends_on, name).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
    // Every depends_on waits on a condition, never on a mere start.
    for (const [name, svc] of Object.entries(compose.services)) expect(Array.isArray(svc.depends_on), name).toBe(false);
  });

  it('probes the api on /readyz and shares the rate limit through Redis', () => {
    expect(JSON.stringify(compose.services['api']!.healthcheck!.test)).toContain('/readyz');
    expect(compose.services['api']!.environment!['SWITCHBOARD_REDIS_URL']).toBe('redis://redis:6379');
  });
});

describe('deploy/k8s', () => {
  const schema = readJson('kubernetes-1.33-strict.json') as { kinds: Record<string, unknown> };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  ajv.addSchema(schema, 'k8s');
  const of = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);

  it('validates every manifest against the Kubernetes 1.33 schema of its kind', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    for (const m of manifests) {
      const key = `${m.apiVersion}/${m.kind}`;
      expect(Object.keys(schema.kinds), key).toContain(key);
      const validate = ajv.getSchema(`k8s#/kinds/${key.replaceAll('/', '~1')}`)!;
      expect(validate(m), `${key} ${m.metadata.name}: ${JSON.stringify(validate.errors, null, 2)}`).toBe(true);
    }
  });

  it('refuses a manifest with an unknown field (the schema is strict)', () => {
    const validate = ajv.getSchema('k8s#/kinds/apps~1v1~1Deployment')!;
    const broken = structuredClone(of('Deployment', 'switchboard-api')!);
    broken.spec['replica'] = 3;
    expect(validate(broken)).toBe(false);
  });

  it('runs api and worker Deployments with probes, the api on /healthz and /readyz', () => {
    const api = of('Deployment', 'switchboard-api')!.spec['template'].spec.containers[0];
    expect(api.args).toEqual(['api']);
    expect(api.livenessProbe.httpGet.path).toBe('/healthz');
    expect(api.readinessProbe.httpGet.path).toBe('/readyz');
    const worker = of('Deployment', 'switchboard-worker')!.spec['template'].spec.containers[0];
    expect(worker.args).toEqual(['worker']);
    expect(worker.livenessProbe).toBeDefined();
    expect(worker.readinessProbe).toBeDefined();
    expect(of('Job', 'switchboard-migrate')!.spec['template'].spec.containers[0].args).toEqual(['migrate']);
    expect(of('Service', 'switchboard-api')!.spec['selector']).toEqual(of('Deployment', 'switchboard-api')!.spec['selector'].matchLabels);
  });

  it('autoscales api and worker on CPU', () => {
    for (const target of ['switchboard-api', 'switchboard-worker']) {
      const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.spec['scaleTargetRef'].name === target);
      expect(hpa, target).toBeDefined();
      expect(hpa!.spec['metrics'][0]).toMatchObject({ type: 'Resource', resource: { name: 'cpu' } });
      expect(of('Deployment', target), target).toBeDefined();
    }
  });
});
