import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, gql, onUnauthenticated, signOut, storedToken } from './api';
import { AuditPage } from './pages/audit';
import { ConnectorPage } from './pages/connector';
import { ConnectorsPage } from './pages/connectors';
import { GroupPage, GroupsPage, UserPage, UsersPage } from './pages/directory';
import { MappingsPage } from './pages/mappings';
import { PolicyPage } from './pages/policy';
import { RunPage, RunsPage } from './pages/runs';
import { SignIn, Viewer } from './pages/sign-in';
import { ErrorMessage, Loading } from './ui';

/** The pages, by the location hash that names them: `#/` the connectors, `#/connectors/<id>` one of them, … */
type Route =
  | { page: 'connectors' }
  | { page: 'connector' | 'policy' | 'mappings' | 'runs' | 'run' | 'user' | 'group'; id: string }
  | { page: 'users' | 'groups' | 'audit' }
  | { page: 'missing' };

const PATTERNS: Array<[RegExp, (id: string) => Route]> = [
  [/^\/connectors\/([^/]+)$/, (id) => ({ page: 'connector', id })],
  [/^\/connectors\/([^/]+)\/policy$/, (id) => ({ page: 'policy', id })],
  [/^\/connectors\/([^/]+)\/mappings$/, (id) => ({ page: 'mappings', id })],
  [/^\/connectors\/([^/]+)\/runs$/, (id) => ({ page: 'runs', id })],
  [/^\/runs\/([^/]+)$/, (id) => ({ page: 'run', id })],
  [/^\/users\/([^/]+)$/, (id) => ({ page: 'user', id })],
  [/^\/groups\/([^/]+)$/, (id) => ({ page: 'group', id })],
];

function routeOf(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/') return { page: 'connectors' };
  if (path === '/users' || path === '/groups' || path === '/audit') return { page: path.slice(1) as 'users' | 'groups' | 'audit' };
  for (const [pattern, route] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return route(decodeURIComponent(match[1]));
  }
  return { page: 'missing' };
}

const NAV: Array<[href: string, label: string, pages: Array<Route['page']>]> = [
  ['#/', 'Connectors', ['connectors', 'connector', 'policy', 'mappings', 'runs', 'run']],
  ['#/users', 'Users', ['users', 'user']],
  ['#/groups', 'Groups', ['groups', 'group']],
  ['#/audit', 'Audit log', ['audit']],
];

function useRoute(): Route {
  const [route, setRoute] = useState(routeOf(location.hash));
  useEffect(() => {
    const follow = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}

function App() {
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [checking, setChecking] = useState(storedToken() !== null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  useEffect(
    () =>
      onUnauthenticated(() => {
        signOut();
        setViewer(null);
        setNotice('The token is no longer accepted: sign in again.');
      }),
    [],
  );
  useEffect(() => {
    if (!storedToken()) return;
    gql<{ viewer: Viewer }>('{ viewer { name role } }')
      .then((answer) => setViewer(answer.viewer))
      .catch((error: unknown) => setProblem(error instanceof ApiError ? error : new ApiError(String(error), null)))
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <Loading what="your session" />;
  if (!viewer) {
    return (
      <>
        <ErrorMessage error={problem} />
        <SignIn onSignedIn={(signedIn) => (setViewer(signedIn), setNotice(null), setProblem(null))} notice={notice} />
      </>
    );
  }
  const canEdit = viewer.role === 'ADMIN';
  return (
    <>
      <a class="skip" href="#content">
        Skip to the page
      </a>
      <header>
        <a class="brand" href="#/">
          SCIM Directory
        </a>
        <nav aria-label="Main">
          {NAV.map(([href, label, pages]) => (
            <a key={href} href={href} aria-current={pages.includes(route.page) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="viewer">
          {viewer.name} · {viewer.role === 'ADMIN' ? 'admin' : 'reader (read only)'}
        </span>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            signOut();
            setViewer(null);
          }}
        >
          Sign out
        </button>
      </header>
      <div id="content" tabIndex={-1}>
        {route.page === 'connectors' ? <ConnectorsPage canEdit={canEdit} /> : null}
        {route.page === 'connector' ? <ConnectorPage key={route.id} id={route.id} canEdit={canEdit} /> : null}
        {route.page === 'policy' ? <PolicyPage key={route.id} id={route.id} canEdit={canEdit} /> : null}
        {route.page === 'mappings' ? <MappingsPage key={route.id} id={route.id} canEdit={canEdit} /> : null}
        {route.page === 'runs' ? <RunsPage key={route.id} id={route.id} /> : null}
        {route.page === 'run' ? <RunPage key={route.id} id={route.id} /> : null}
        {route.page === 'users' ? <UsersPage /> : null}
        {route.page === 'user' ? <UserPage key={route.id} id={route.id} /> : null}
        {route.page === 'groups' ? <GroupsPage /> : null}
        {route.page === 'group' ? <GroupPage key={route.id} id={route.id} /> : null}
        {route.page === 'audit' ? <AuditPage /> : null}
        {route.page === 'missing' ? (
          <main>
            <h1>Not found</h1>
            <p>
              No page is at this address. <a href="#/">Go to the connectors</a>
            </p>
          </main>
        ) : null}
      </div>
    </>
  );
}

render(<App />, document.getElementById('app')!);
