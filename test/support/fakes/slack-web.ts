/**
 * A stateful Slack on 127.0.0.1 for interactive approvals, in Slack's wire format: the
 * Web API methods an approval uses (`chat.postMessage`, `chat.update`, `users.info`,
 * `views.open`, `chat.postEphemeral`; JSON or form arguments, `{ ok, … }` answers, bearer
 * token checked), `response_url`s that record what is posted to them, and interaction
 * deliveries (form-encoded `payload=`) signed the way Slack signs them (v0 HMAC-SHA256
 * over `v0:<timestamp>:<body>` with the app's signing secret).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

export interface SlackWebFake {
  /** Web API base URL (`config.baseUrl` of a Slack connection). */
  apiUrl: string;
  calls: SlackCall[];
  /** Bodies posted to response URLs, by response URL id. */
  responses: { id: string; body: Record<string, unknown> }[];
  /** Messages as posted and updated, by `channel:ts`. */
  messages: Map<string, Record<string, unknown>>;
  responseUrl(id: string): string;
  callsOf(method: string): SlackCall[];
  close(): Promise<void>;
}

export interface SlackUser {
  id: string;
  name: string;
  email?: string;
}

const read = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** Slack channel ids for the names a test posts to. */
const channelId = (channel: string): string => (channel.startsWith('#') ? `C${channel.slice(1).toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 9)}` : channel);

export async function startSlackWebFake(opts: { token: string; users: SlackUser[] }): Promise<SlackWebFake> {
  const calls: SlackCall[] = [];
  const responses: SlackWebFake['responses'] = [];
  const messages = new Map<string, Record<string, unknown>>();
  let seq = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await read(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const send = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (path.startsWith('/response/')) {
        responses.push({ id: path.slice('/response/'.length), body: JSON.parse(raw) as Record<string, unknown> });
        return send({ ok: true });
      }
      if (!path.startsWith('/api/')) return send({ ok: false, error: 'unknown_method' });
      const method = path.slice('/api/'.length);
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send({ ok: false, error: 'invalid_auth' });
      const json = (req.headers['content-type'] ?? '').startsWith('application/json');
      const args: Record<string, unknown> = json ? (JSON.parse(raw || '{}') as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
      calls.push({ method, args });
      switch (method) {
        case 'chat.postMessage': {
          if (typeof args['channel'] !== 'string' || (!args['text'] && !args['blocks'])) return send({ ok: false, error: 'invalid_arguments' });
          const channel = channelId(args['channel']);
          const ts = `1765000000.${String(++seq).padStart(6, '0')}`;
          const message = { type: 'message', ts, text: args['text'], blocks: args['blocks'] };
          messages.set(`${channel}:${ts}`, message);
          return send({ ok: true, channel, ts, message });
        }
        case 'chat.update': {
          const key = `${String(args['channel'])}:${String(args['ts'])}`;
          if (!messages.has(key)) return send({ ok: false, error: 'message_not_found' });
          messages.set(key, { ...messages.get(key), text: args['text'], blocks: args['blocks'] });
          return send({ ok: true, channel: args['channel'], ts: args['ts'], text: args['text'] });
        }
        case 'users.info': {
          if (json) return send({ ok: false, error: 'invalid_arguments' });
          const user = opts.users.find((u) => u.id === args['user']);
          if (!user) return send({ ok: false, error: 'user_not_found' });
          return send({ ok: true, user: { id: user.id, name: user.name, profile: { real_name: user.name, ...(user.email ? { email: user.email } : {}) } } });
        }
        case 'views.open': {
          if (typeof args['trigger_id'] !== 'string' || typeof args['view'] !== 'object') return send({ ok: false, error: 'invalid_arguments' });
          const problems = viewProblems(args['view'] as Record<string, unknown>);
          if (problems.length) return send({ ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } });
          return send({ ok: true, view: { id: `V${++seq}`, ...(args['view'] as object) } });
        }
        case 'chat.postEphemeral':
          return send({ ok: true, message_ts: `1765000000.${String(++seq).padStart(6, '0')}` });
        default:
          return send({ ok: false, error: 'unknown_method' });
      }
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api`,
    calls,
    responses,
    messages,
    responseUrl: (id) => `${base}/response/${id}`,
    callsOf: (method) => calls.filter((c) => c.method === method),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Posts an interaction payload to `url` as Slack does: form-encoded `payload=`, signed with `signingSecret`. */
export async function sendSlackInteraction(
  url: string,
  signingSecret: string,
  payload: Record<string, unknown>,
  opts: { timestamp?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature, ...opts.headers },
    body,
  });
}

/** A `block_actions` payload for a click on `button` of `message` (as chat.postMessage posted it). */
export function blockActionsPayload(a: {
  user: SlackUser;
  channel: string;
  message: Record<string, unknown>;
  actionId: string;
  responseUrl: string;
  triggerId?: string;
}): Record<string, unknown> {
  const actions = (a.message['blocks'] as { type: string; elements?: { action_id?: string; value?: string }[] }[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
  const button = actions.find((e) => e.action_id === a.actionId);
  if (!button) throw new Error(`the message has no button ${a.actionId}`);
  return {
    type: 'block_actions',
    user: { id: a.user.id, username: a.user.name, name: a.user.name, team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: a.message['ts'], channel_id: a.channel, is_ephemeral: false },
    trigger_id: a.triggerId ?? `${Date.now()}.1.abc`,
    team: { id: 'T0001', domain: 'acme' },
    channel: { id: a.channel, name: 'refunds' },
    message: a.message,
    response_url: a.responseUrl,
    actions: [{ type: 'button', block_id: 'b1', action_id: a.actionId, value: button.value, text: { type: 'plain_text', text: 'x' }, action_ts: String(Date.now() / 1000) }],
  };
}

/**
 * Slack's checks of a modal that `views.open` answers `invalid_arguments` for (as
 * `response_metadata.messages`): title/submit/close at most 24 characters, at most 100
 * blocks, unique block ids, input blocks with a label and an element of a known type, a
 * select's options at most 100 with text ≤ 75 and value ≤ 150 characters.
 */
function viewProblems(view: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (view['type'] !== 'modal') problems.push('[ERROR] must be a modal [json-pointer:/view/type]');
  for (const key of ['title', 'submit', 'close']) {
    const text = (view[key] as { text?: unknown } | undefined)?.text;
    if (key === 'title' && typeof text !== 'string') problems.push('[ERROR] missing required field: title [json-pointer:/view/title]');
    if (typeof text === 'string' && text.length > 24) problems.push(`[ERROR] must be less than 25 characters [json-pointer:/view/${key}/text]`);
  }
  const blocks = Array.isArray(view['blocks']) ? (view['blocks'] as Record<string, unknown>[]) : [];
  if (blocks.length > 100) problems.push('[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]');
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const id = b['block_id'];
    if (typeof id === 'string') {
      if (ids.has(id) || id.length > 255) problems.push(`[ERROR] duplicate or too long block_id [json-pointer:/view/blocks/${i}/block_id]`);
      ids.add(id);
    }
    if (b['type'] !== 'input') return;
    const element = b['element'] as Record<string, unknown> | undefined;
    if (!(b['label'] as { text?: unknown } | undefined)?.text) problems.push(`[ERROR] missing required field: label [json-pointer:/view/blocks/${i}/label]`);
    if (!element || !['plain_text_input', 'number_input', 'static_select', 'checkboxes'].includes(String(element['type']))) problems.push(`[ERROR] unsupported element [json-pointer:/view/blocks/${i}/element]`);
    const options = element?.['options'] as { text?: { text?: string }; value?: string }[] | undefined;
    if (options && (options.length > 100 || options.some((o) => (o.text?.text?.length ?? 0) > 75 || (o.value?.length ?? 0) > 150))) problems.push(`[ERROR] invalid options [json-pointer:/view/blocks/${i}/element/options]`);
  });
  return problems;
}

/** A submitted input's state as Slack sends it: a string is a text input's value; an object is sent as it is (a select's `selected_option`, …). */
export type SlackInputValue = string | Record<string, unknown>;

/** A `view_submission` payload of a modal that `views.open` opened, with `values` (`block_id` → `action_id` → value). */
export function viewSubmissionPayload(a: { user: SlackUser; view: Record<string, unknown>; values: Record<string, Record<string, SlackInputValue>> }): Record<string, unknown> {
  const state = {
    values: Object.fromEntries(
      Object.entries(a.values).map(([b, v]) => [b, Object.fromEntries(Object.entries(v).map(([k, value]) => [k, typeof value === 'string' ? { type: 'plain_text_input', value } : value]))]),
    ),
  };
  return {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'acme' },
    user: { id: a.user.id, username: a.user.name, name: a.user.name, team_id: 'T0001' },
    api_app_id: 'A0001',
    trigger_id: `${Date.now()}.2.def`,
    view: { id: 'V1', ...a.view, state },
  };
}
