import { useEffect, useState } from 'react';
import { api, ApiError, type OAuthApp } from '../api.ts';
import { ErrorNote } from '../ui.tsx';

/**
 * An OAuth2 connector's OAuth app, for admins (`PUT /oauth-apps/:connector`): the client id and
 * secret registered at the provider, and optional consent and token URLs (self-hosted providers).
 * The client secret is write-only.
 */
export function OAuthAppForm({ connector, onSaved }: { connector: string; onSaved?: () => void }) {
  const [app, setApp] = useState<OAuthApp | null | undefined>(undefined);
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [authorizationUrl, setAuthorizationUrl] = useState('');
  const [tokenUrl, setTokenUrl] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setApp(undefined);
    setSaved(false);
    api<OAuthApp>(`/oauth-apps/${encodeURIComponent(connector)}`)
      .then((a) => {
        setApp(a);
        setClientId(a.clientId);
      })
      .catch((err: unknown) => (err instanceof ApiError && err.status === 404 ? setApp(null) : setError(err)));
  }, [connector]);

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const body = { clientId, clientSecret, ...(authorizationUrl ? { authorizationUrl } : {}), ...(tokenUrl ? { tokenUrl } : {}) };
      setApp(await api<OAuthApp>(`/oauth-apps/${encodeURIComponent(connector)}`, { method: 'PUT', json: body }));
      setClientSecret('');
      setSaved(true);
      onSaved?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="oauth-app-h">
      <h2 id="oauth-app-h">OAuth app</h2>
      <p className="hint">
        {app
          ? `Client ${app.clientId}; the client secret is set. Register ${app.redirectUri} as the redirect URI at the provider.`
          : app === null
            ? 'Not set yet: register an OAuth client at the provider with the redirect URI below, then enter its client id and secret. Connect needs it.'
            : 'Loading…'}
      </p>
      <div className="fields">
        <label>
          Client ID
          <input value={clientId} onChange={(e) => setClientId(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Client secret
          <input type="password" value={clientSecret} onChange={(e) => setClientSecret(e.target.value)} autoComplete="off" placeholder={app ? 'set (enter a new one to replace it)' : ''} />
        </label>
        <label>
          Authorization URL (optional)
          <input value={authorizationUrl} onChange={(e) => setAuthorizationUrl(e.target.value)} placeholder={app?.authorizationUrl ?? ''} />
        </label>
        <label>
          Token URL (optional)
          <input value={tokenUrl} onChange={(e) => setTokenUrl(e.target.value)} placeholder={app?.tokenUrl ?? ''} />
        </label>
      </div>
      <ErrorNote error={error} />
      {saved && <p role="status" className="ok">OAuth app saved</p>}
      <button type="button" disabled={busy || !clientId || !clientSecret} onClick={() => void save()}>
        Save OAuth app
      </button>
    </section>
  );
}
