/** The CLI's only way to the service: GraphQL over HTTP, with an admin token. */

/** A failure the API reported (or the server being unreachable): the CLI exits 2 with its message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A mistake in how the CLI was called: it exits 1 with the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class Api {
  private readonly endpoint: string;

  /** @param url the service's URL (its /graphql is appended unless given) */
  constructor(
    url: string,
    private readonly token: string,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--url must be an http(s) URL, such as http://localhost:3000; got "${url}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must be an http(s) URL; got "${url}"`);
    this.endpoint = parsed.pathname.replace(/\/+$/, '').endsWith('/graphql') ? parsed.href : new URL('graphql', parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`).href;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ApiError(`cannot reach ${this.endpoint}: ${cause}`);
    }
    let body: { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }> };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ApiError(`${this.endpoint} answered ${response.status} without GraphQL JSON: is it this service?`);
    }
    const [error] = body.errors ?? [];
    if (error) {
      const code = error.extensions?.code ?? null;
      throw new ApiError(`${error.message}${code ? ` (${code}${error.extensions?.field ? `, field ${error.extensions.field}` : ''})` : ''}`, code);
    }
    if (!body.data) throw new ApiError(`${this.endpoint} answered ${response.status} with no data`);
    return body.data;
  }
}
