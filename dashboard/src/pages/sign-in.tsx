import { useState } from 'preact/hooks';
import { ApiError, gql, signIn } from '../api';
import { ErrorMessage } from '../ui';

export interface Viewer {
  name: string;
  role: 'ADMIN' | 'READER';
}

/** Paste an admin or reader token; it is kept for this browser session only (sessionStorage). */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (viewer: Viewer) => void; notice: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const { viewer } = await gql<{ viewer: Viewer }>('{ viewer { name role } }', {}, token.trim());
      signIn(token.trim());
      onSignedIn(viewer);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(String(failure), null));
    } finally {
      setPending(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>SCIM Directory</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label for="token">Admin or reader token</label>
        <input id="token" name="token" type="password" autocomplete="off" required value={token} onInput={(event) => setToken(event.currentTarget.value)} />
        <p class="hint">The token is kept for this browser session only. The server printed the first one when it started.</p>
        <button type="submit" disabled={pending || token.trim() === ''}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorMessage error={error} />
      </form>
    </main>
  );
}
