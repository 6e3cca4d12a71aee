import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { api, can, setCsrfToken, type Session } from './api.ts';
import { SessionContext } from './session.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Connections } from './pages/Connections.tsx';
import { Runs } from './pages/Runs.tsx';
import { RunPage } from './pages/RunPage.tsx';
import { Approvals } from './pages/Approvals.tsx';
import { Automations } from './pages/Automations.tsx';
import { EventPage, Events } from './pages/Events.tsx';
import { People } from './pages/People.tsx';
import { Groups } from './pages/Groups.tsx';

// The two editors carry the heavy parts (graph, code editor, schema forms): loaded when opened.
const ConnectionEditor = lazy(() => import('./pages/ConnectionEditor.tsx').then((m) => ({ default: m.ConnectionEditor })));
const AutomationEditor = lazy(() => import('./pages/AutomationEditor.tsx').then((m) => ({ default: m.AutomationEditor })));

/** The main sections, each shown only to keys holding its read scope. */
const SECTIONS = [
  { to: '/connections', label: 'Connections', scope: 'connections:read' },
  { to: '/automations', label: 'Automations', scope: 'automations:read' },
  { to: '/runs', label: 'Runs', scope: 'runs:read' },
  { to: '/events', label: 'Events', scope: 'events:read' },
  { to: '/approvals', label: 'Approvals', scope: 'approvals:read' },
  { to: '/people', label: 'People', scope: 'admin' },
  { to: '/groups', label: 'Groups', scope: 'admin' },
] as const;

/** A page the key may read, or what it lacks. */
function Gate({ session, scope, children }: { session: Session; scope: string; children: ReactNode }) {
  if (can(session, scope)) return <>{children}</>;
  return (
    <>
      <h1>Not available</h1>
      <p>
        This key lacks the <code>{scope}</code> scope.
      </p>
    </>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  // What one key loaded is not shown to the next: signing in or out empties the query cache.
  const queryClient = useQueryClient();
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
          queryClient.clear();
          setCsrfToken(s.csrfToken);
          setSession(s);
        }}
      />
    );

  const signOut = async () => {
    await api('/session', { method: 'DELETE' }).catch(() => undefined);
    queryClient.clear();
    setSession(null);
  };
  const sections = SECTIONS.filter((s) => can(session, s.scope));
  const gate = (scope: string, page: ReactNode) => (
    <Gate session={session} scope={scope}>
      {page}
    </Gate>
  );
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
          {sections.map((s) => (
            <NavLink key={s.to} to={s.to}>
              {s.label}
            </NavLink>
          ))}
        </nav>
        <span className="who">
          {session.principal}{' '}
          <button className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Routes>
            <Route path="/" element={sections[0] ? <Navigate to={sections[0].to} replace /> : <p>This key may read nothing the console shows.</p>} />
            <Route path="/connections" element={gate('connections:read', <Connections />)} />
            <Route path="/connections/new" element={gate('connections:read', <ConnectionEditor />)} />
            <Route path="/connections/:id" element={gate('connections:read', <ConnectionEditor />)} />
            <Route path="/automations" element={gate('automations:read', <Automations />)} />
            <Route path="/automations/new" element={gate('automations:read', <AutomationEditor />)} />
            <Route path="/automations/:id" element={gate('automations:read', <AutomationEditor />)} />
            <Route path="/runs" element={gate('runs:read', <Runs />)} />
            <Route path="/runs/:workflowId" element={gate('runs:read', <RunPage />)} />
            <Route path="/events" element={gate('events:read', <Events />)} />
            <Route path="/events/:id" element={gate('events:read', <EventPage />)} />
            <Route path="/approvals" element={gate('approvals:read', <Approvals />)} />
            <Route path="/people" element={gate('admin', <People />)} />
            <Route path="/groups" element={gate('admin', <Groups />)} />
            <Route path="*" element={<h1>Not found</h1>} />
          </Routes>
        </Suspense>
      </main>
    </SessionContext.Provider>
  );
}
