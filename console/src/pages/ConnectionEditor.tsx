import Form from '@rjsf/core';
import { useQueryClient } from '@tanstack/react-query';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, can, type Connection, type ConnectionTestResult, type ConnectorList, type OAuthAuthorization } from '../api.ts';
import { keyOf, useApi, useInvalidate } from '../queries.ts';
import { useSession } from '../session.tsx';
import { ErrorNote } from '../ui.tsx';
import { OAuthAppForm } from './OAuthAppForm.tsx';
import { validator } from '../validator.ts';

type Json = Record<string, unknown>;

/** Secrets are write-only: password inputs, and an empty field keeps what is stored. */
function secretsUi(schema: Json): UiSchema {
  const props = (schema['properties'] ?? {}) as Record<string, Json>;
  const ui: UiSchema = {};
  for (const [key, prop] of Object.entries(props)) if (prop['type'] === 'string') ui[key] = { 'ui:widget': 'password', 'ui:autocomplete': 'off' };
  return ui;
}

const dropEmpty = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

export function ConnectionEditor() {
  const { id } = useParams();
  const session = useSession();
  const navigate = useNavigate();
  const writable = can(session, 'connections:write');
  const connectorList = useApi<ConnectorList>('/connectors');
  const connectors = useMemo(() => connectorList.data?.items ?? [], [connectorList.data]);
  const stored = useApi<Connection>(id ? `/connections/${encodeURIComponent(id)}` : null, { refetchOnWindowFocus: false });
  const invalidate = useInvalidate();
  const queryClient = useQueryClient();
  const [existing, setExisting] = useState<Connection | null>(null);
  const [connectorKey, setConnectorKey] = useState('');
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Json>({});
  const [secrets, setSecrets] = useState<Json>({});
  const [actionError, setError] = useState<unknown>(null);
  const error = actionError ?? connectorList.error ?? stored.error;
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  // The stored connection fills the form when it loads (and again only if it changed).
  useEffect(() => {
    const c = stored.data;
    if (!c) return;
    setExisting(c);
    setConnectorKey(c.connector);
    setName(c.name);
    setConfig(c.config);
  }, [stored.data]);

  const connector = useMemo(() => connectors.find((c) => c.key === connectorKey), [connectors, connectorKey]);
  const webhookUrl = existing && connector && connector.triggers.length > 0 ? `${location.origin}/webhooks/${existing.connector}/${existing.id}` : '';

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    run(async () => {
      const typed = dropEmpty(secrets);
      if (existing) {
        const saved = await api<Connection>(`/connections/${encodeURIComponent(existing.id)}`, { method: 'PATCH', json: { name, config, ...(Object.keys(typed).length ? { secrets: typed } : {}) } });
        setExisting(saved);
        setSecrets({});
        void invalidate('/connections');
      } else {
        const saved = await api<Connection>('/connections', { method: 'POST', json: { connector: connectorKey, name, config, secrets: typed } });
        setSecrets({});
        void invalidate('/connections');
        navigate(`/connections/${encodeURIComponent(saved.id)}`);
      }
    });
  const oauth = connector?.auth === 'oauth2';
  // OAuth: the provider's consent page, then back to /oauth/callback, which opens the connection here.
  const connect = () =>
    run(async () => {
      const { authorizationUrl } = await api<OAuthAuthorization>('/oauth/authorize', {
        method: 'POST',
        json: { connector: connectorKey, name, ...(existing ? { connectionId: existing.id } : { config }) },
      });
      window.location.assign(authorizationUrl);
    });
  const testIt = () =>
    run(async () => {
      setTest(null);
      const typed = dropEmpty(secrets);
      // Saved and untouched: test what is stored; otherwise test the form as typed (nothing stored).
      const result =
        existing && Object.keys(typed).length === 0 && JSON.stringify(config) === JSON.stringify(existing.config)
          ? await api<ConnectionTestResult>(`/connections/${encodeURIComponent(existing.id)}/test`, { method: 'POST', json: {} })
          : await api<ConnectionTestResult>('/connections/test', { method: 'POST', json: { connector: connectorKey, config, secrets: typed } });
      setTest(result);
    });
  const remove = () =>
    run(async () => {
      if (!existing || !window.confirm(`Delete connection "${existing.name}"? Automations using it will fail.`)) return;
      await api(`/connections/${encodeURIComponent(existing.id)}`, { method: 'DELETE' });
      // The deleted connection is forgotten (not reloaded into a 404); the list reloads.
      queryClient.removeQueries({ queryKey: keyOf(`/connections/${encodeURIComponent(existing.id)}`) });
      void queryClient.invalidateQueries({ queryKey: keyOf('/connections'), exact: true });
      navigate('/connections');
    });
  const copy = async () => {
    await navigator.clipboard.writeText(webhookUrl).catch(() => undefined);
    setCopied(true);
  };

  return (
    <>
      <h1>{existing ? existing.name : 'New connection'}</h1>
      <form
        className="editor"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset disabled={!writable || busy}>
          <label htmlFor="connector">Connector</label>
          <select id="connector" value={connectorKey} disabled={!!existing} required onChange={(e) => (setConnectorKey(e.target.value), setConfig({}), setSecrets({}), setTest(null))}>
            <option value="">Choose a connector…</option>
            {connectors.map((c) => (
              <option key={c.key} value={c.key}>
                {c.displayName}
              </option>
            ))}
          </select>
          {connector && <p className="hint">{connector.description}</p>}
          <label htmlFor="name">Name</label>
          <input id="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </fieldset>
        {connector && (
          <>
            <section aria-labelledby="config-h">
              <h2 id="config-h">Configuration</h2>
              <Form
                key={`config-${connector.key}`}
                tagName="div"
                idPrefix="config"
                schema={connector.configSchema as RJSFSchema}
                formData={config}
                validator={validator}
                disabled={!writable || busy}
                onChange={(e) => setConfig((e.formData ?? {}) as Json)}
                noHtml5Validate
              >
                <></>
              </Form>
            </section>
            {oauth && (
              <section aria-labelledby="oauth-h">
                <h2 id="oauth-h">Account</h2>
                <p className="hint">Connected by consent at the provider; Switchboard keeps the access token fresh.</p>
                {existing && (
                  <p role="status" className={existing.status === 'needs_reconnect' ? 'error' : 'ok'}>
                    {existing.status === 'needs_reconnect' ? `Needs reconnecting: ${existing.statusReason ?? 'the provider refused the refresh token'}` : 'Connected'}
                  </p>
                )}
              </section>
            )}
            {/* Admins set the connector's OAuth app here, before the first Connect. */}
            {oauth && !existing && can(session, 'admin') && <OAuthAppForm connector={connector.key} />}
            {!oauth && (
            <section aria-labelledby="secrets-h">
              <h2 id="secrets-h">Secrets</h2>
              <p className="hint">Write-only: a field left empty keeps its stored value.</p>
              {connector.secretFields.length > 0 && (
                <ul className="secret-state" aria-label="Stored secrets">
                  {connector.secretFields.map((f) => (
                    <li key={f}>
                      <code>{f}</code>: {existing?.secretFields.includes(f) ? 'set' : 'not set'}
                    </li>
                  ))}
                </ul>
              )}
              <Form
                key={`secrets-${connector.key}-${existing?.updatedAt ?? ''}`}
                tagName="div"
                idPrefix="secrets"
                schema={connector.secretsSchema as RJSFSchema}
                uiSchema={secretsUi(connector.secretsSchema)}
                formData={secrets}
                validator={validator}
                disabled={!writable || busy}
                onChange={(e) => setSecrets((e.formData ?? {}) as Json)}
                noHtml5Validate
              >
                <></>
              </Form>
            </section>
            )}
          </>
        )}
        <ErrorNote error={error} />
        {test && (
          <p role="status" className={test.ok ? 'ok' : test.ok === null ? '' : 'error'}>
            {test.ok ? 'Connection OK' : test.ok === null ? 'Not tested' : 'Connection failed'}: {test.message}
          </p>
        )}
        <div className="actions">
          {writable && oauth && (
            <button type="button" disabled={busy || !name} onClick={() => void connect()}>
              {existing ? 'Reconnect' : 'Connect'}
            </button>
          )}
          {writable && (!oauth || existing) && (
            <button type="submit" disabled={busy || !connector}>
              Save
            </button>
          )}
          {/* Testing sends the credentials to the provider: connections:write, like saving them. */}
          {writable && (
            <button type="button" disabled={busy || !connector} onClick={() => void testIt()}>
              Test connection
            </button>
          )}
          {existing && writable && (
            <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
              Delete
            </button>
          )}
        </div>
      </form>
      {webhookUrl && (
        <section aria-labelledby="webhook-h" className="webhook">
          <h2 id="webhook-h">Webhook URL</h2>
          <p className="hint">Give this URL to {connector?.displayName} as the event endpoint.</p>
          <div className="copy-row">
            <input readOnly aria-label="Webhook URL" value={webhookUrl} onFocus={(e) => e.target.select()} />
            <button type="button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </section>
      )}
    </>
  );
}
