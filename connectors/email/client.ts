/**
 * SMTP through nodemailer. The host is resolved through the SSRF guard and the
 * transport connects to that address (TLS verified against the host name).
 * SMTP failures map to codes: auth → AUTH_FAILED, 4xx replies and network → retried,
 * 5xx replies (rejected recipient, policy) → INVALID_INPUT.
 * nodemailer is loaded on the first send, not when the connector registers.
 */
import { ConnectorError, type ErrorCode } from '../sdk/errors.ts';
import type { HttpClient } from '../sdk/types.ts';
import type { EmailConfig, EmailSecrets } from './schemas.ts';

export function codeForSmtpError(err: { code?: string; responseCode?: number }): ErrorCode {
  if (err.code === 'EAUTH' || err.responseCode === 535 || err.responseCode === 534) return 'AUTH_FAILED';
  if (err.code === 'EENVELOPE' && !(err.responseCode && err.responseCode < 500)) return 'INVALID_INPUT';
  if (err.responseCode && err.responseCode >= 500) return 'INVALID_INPUT';
  if (err.responseCode && err.responseCode >= 400) return 'UPSTREAM_5XX';
  if (err.code === 'ETIMEDOUT') return 'TIMEOUT';
  if (err.code === 'ETLS') return 'CONFIG_INVALID';
  return 'TRANSIENT_NETWORK';
}

export async function createTransport(config: EmailConfig, secrets: EmailSecrets, http: Pick<HttpClient, 'resolveHost'>) {
  const { address } = await http.resolveHost(config.host);
  const { default: nodemailer } = await import('nodemailer');
  return nodemailer.createTransport({
    host: address,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTls,
    tls: { servername: config.host },
    name: 'switchboard',
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(secrets.username ? { auth: { user: secrets.username, pass: secrets.password ?? '' } } : {}),
  });
}

export function toConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  return new ConnectorError(codeForSmtpError(e), `SMTP: ${e.response ?? e.message ?? String(err)}`, {
    ...(e.responseCode ? { status: e.responseCode } : {}),
  });
}
