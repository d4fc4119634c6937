/** The dashboard's only way to the service: the public GraphQL API, with the token the admin signed in with. */

const TOKEN_KEY = 'scimdir.token';

/** An error the API answered (or the network), as the dashboard shows it. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signIn(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Listeners told when the API refuses the token: the app goes back to the sign-in page. */
const unauthenticated = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticated.add(listener);
  return () => unauthenticated.delete(listener);
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}, token = storedToken()): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError('The service cannot be reached. Check your connection, then try again.', null);
  }
  let body: { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The service answered ${response.status} without a GraphQL answer.`, null);
  }
  const [error] = body.errors ?? [];
  if (error) {
    const code = error.extensions?.code ?? null;
    if (code === 'UNAUTHENTICATED') for (const listener of unauthenticated) listener();
    throw new ApiError(error.message, code);
  }
  if (!body.data) throw new ApiError(`The service answered ${response.status} with no data.`, null);
  return body.data;
}
