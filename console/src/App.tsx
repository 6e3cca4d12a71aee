import { useEffect, useState } from 'react';
import { NavLink, Route, Routes, useLocation } from 'react-router';
import { api, setCsrfToken, type Session } from './api.ts';
import { SessionContext } from './session.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Connections } from './pages/Connections.tsx';
import { ConnectionEditor } from './pages/ConnectionEditor.tsx';
import { Runs } from './pages/Runs.tsx';
import { RunPage } from './pages/RunPage.tsx';
import { Approvals } from './pages/Approvals.tsx';
import { Automations } from './pages/Automations.tsx';
import { AutomationEditor } from './pages/AutomationEditor.tsx';

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  useEffect(() => {
    api<Session>('/session')
      .then((s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      })
      .catch(() => setSession(null));
  }, []);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (!session)
    return (
      <SignIn
        onSignedIn={(s) => {
          setCsrfToken(s.csrfToken);
          setSession(s);
        }}
      />
    );

  const signOut = async () => {
    await api('/session', { method: 'DELETE' }).catch(() => undefined);
    setSession(null);
  };
  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Switchboard</span>
        <button className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav id="nav" aria-label="Main" className={menuOpen ? 'open' : ''}>
          <NavLink to="/connections">Connections</NavLink>
          <NavLink to="/automations">Automations</NavLink>
          <NavLink to="/runs">Runs</NavLink>
          <NavLink to="/approvals">Approvals</NavLink>
        </nav>
        <span className="who">
          {session.principal}{' '}
          <button className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<Connections />} />
          <Route path="/connections" element={<Connections />} />
          <Route path="/connections/new" element={<ConnectionEditor />} />
          <Route path="/connections/:id" element={<ConnectionEditor />} />
          <Route path="/automations" element={<Automations />} />
          <Route path="/automations/new" element={<AutomationEditor />} />
          <Route path="/automations/:id" element={<AutomationEditor />} />
          <Route path="/runs" element={<Runs />} />
          <Route path="/runs/:workflowId" element={<RunPage />} />
          <Route path="/approvals" element={<Approvals />} />
          <Route path="*" element={<h1>Not found</h1>} />
        </Routes>
      </main>
    </SessionContext.Provider>
  );
}
