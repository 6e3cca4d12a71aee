/**
 * A Slack fake in Slack's wire format: the external upload flow
 * (`files.getUploadURLExternal`, the upload URL, `files.completeUploadExternal`),
 * `auth.test`, and incoming webhooks (`/services/…`) that answer an empty POST the
 * way Slack does (400 `invalid_payload` when live, 403/404 when not).
 */
import type { FakeRequest, FakeResponse } from '../../../src/testing/index.ts';

export const LIVE_HOOK = '/services/T0001/B0001/live0000000000000000000';
export const REVOKED_HOOK = '/services/T0001/B0001/revoked000000000000000';
export const UNKNOWN_HOOK = '/services/T0001/B0001/unknown000000000000000';

export function slackResponder(req: FakeRequest): FakeResponse {
  const path = new URL(req.url, 'http://x').pathname;
  const form = (req.json ?? {}) as Record<string, string>;
  if (path === '/api/auth.test') return { body: { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'switchbot', team_id: 'T1', user_id: 'U1', bot_id: 'B1' } };
  if (path === '/api/files.getUploadURLExternal') {
    if (!form.filename || !form.length) return { body: { ok: false, error: 'invalid_arguments' } };
    return { body: { ok: true, upload_url: `http://${req.headers.host}/upload/v1/ABC${form.length}`, file_id: 'F07ABCDEF12' } };
  }
  if (path.startsWith('/upload/v1/')) return { body: `OK - ${Buffer.byteLength(req.body)}` };
  if (path === '/api/files.completeUploadExternal') {
    const files = JSON.parse(form.files ?? '[]') as { id: string; title?: string }[];
    if (!files.length) return { body: { ok: false, error: 'invalid_arguments' } };
    if (form.channel_id === 'C0NOTHERE') return { body: { ok: false, error: 'channel_not_found' } };
    return { body: { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? 'Untitled' })) } };
  }
  if (path === LIVE_HOOK) return req.body === '' ? { status: 400, body: 'invalid_payload' } : { body: 'ok' };
  if (path === REVOKED_HOOK) return { status: 403, body: 'invalid_token' };
  if (path.startsWith('/services/')) return { status: 404, body: 'no_service' };
  return { body: { ok: false, error: 'unknown_method' } };
}
