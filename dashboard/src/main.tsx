import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, gql, onUnauthenticated, signOut, storedToken } from './api';
import { ConnectorPage } from './pages/connector';
import { ConnectorsPage } from './pages/connectors';
import { SignIn, Viewer } from './pages/sign-in';
import { ErrorMessage, Loading } from './ui';

/** The page a location hash names: `#/` the connectors, `#/connectors/<id>` one of them. */
type Route = { page: 'connectors' } | { page: 'connector'; id: string } | { page: 'missing' };

function routeOf(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/') return { page: 'connectors' };
  const connector = /^\/connectors\/([^/]+)$/.exec(path);
  if (connector) return { page: 'connector', id: decodeURIComponent(connector[1]) };
  return { page: 'missing' };
}

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
          <a href="#/" aria-current={route.page === 'connectors' ? 'page' : undefined}>
            Connectors
          </a>
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
