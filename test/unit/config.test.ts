import { describe, expect, it } from 'vitest';
import { devTemporalAddress, loadConfig } from '../../src/config.ts';
import { otlpTracesUrl } from '../../src/telemetry/tracing.ts';
import { ConfigError } from '../../src/errors.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'switchboard', uiPort: 8233 });
    // Where `dev` runs its embedded server without TEMPORAL_ADDRESS.
    expect(devTemporalAddress()).toBe('127.0.0.1:7233');
    // The CLI's API commands talk to the local dev API.
    expect(c.apiUrl).toBe('http://127.0.0.1:3000');
    expect(c.database.kind).toBe('sqlite');
    expect(c.database.kind === 'sqlite' && c.database.path).toMatch(/\.switchboard\/switchboard\.sqlite$/);
    expect(c.ssrfAllow).toEqual([]);
    expect(c.logLevel).toBe('info');
  });

  it('points the CLI at SWITCHBOARD_URL, else the public URL', () => {
    expect(loadConfig({ SWITCHBOARD_URL: 'https://sb.example.com/' }).apiUrl).toBe('https://sb.example.com');
    expect(loadConfig({ SWITCHBOARD_PUBLIC_URL: 'https://public.example.com', PORT: '8080' }).apiUrl).toBe('https://public.example.com');
    expect(loadConfig({ PORT: '8080' }).apiUrl).toBe('http://127.0.0.1:8080');
    expect(() => loadConfig({ SWITCHBOARD_URL: 'localhost' })).toThrow(/^Invalid configuration: SWITCHBOARD_URL must be an absolute URL$/);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/^Invalid configuration: PORT must be a number/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be between 0 and 65535/);
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'http://x' })).toThrow(/TEMPORAL_ADDRESS must be host:port/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('never echoes the value of a secret variable', () => {
    try {
      loadConfig({ SWITCHBOARD_API_KEY: 'short-secret' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain('SWITCHBOARD_API_KEY');
      expect((err as Error).message).not.toContain('short-secret');
    }
  });

  it('parses PostgreSQL and SQLite URLs, lists and an external Temporal', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/sb',
      TEMPORAL_ADDRESS: 'temporal:7233',
      SWITCHBOARD_SSRF_ALLOW: '10.0.0.0/8, internal.example ,',
    });
    expect(c.database).toEqual({ kind: 'postgresql', url: 'postgres://u@db:5432/sb' });
    expect(c.temporal.address).toBe('temporal:7233');
    expect(c.ssrfAllow).toEqual(['10.0.0.0/8', 'internal.example']);
    const s = loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' });
    expect(s.database).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
  });

  it('reads the OpenTelemetry endpoint and service name; the traces URL follows the OTLP spec', () => {
    expect(loadConfig({}).tracing).toEqual({ otlpEndpoint: undefined, serviceName: undefined });
    const c = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SERVICE_NAME: 'sb-eu' });
    expect(c.tracing).toEqual({ otlpEndpoint: 'http://collector:4318/', serviceName: 'sb-eu' });
    expect(otlpTracesUrl(c.tracing.otlpEndpoint!)).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('https://otel.example/prefix')).toBe('https://otel.example/prefix/v1/traces');
  });
});
