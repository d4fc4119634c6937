/**
 * The benchmark's HTTP client: node:http over a keep-alive agent with one socket per worker, so
 * that on a 2-core machine shared with the server the client costs as little CPU as it can.
 */
import http from 'node:http';

export interface ScimResponse {
  /** The HTTP status, or 0 when no answer came (connection refused or reset). */
  status: number;
  body: string;
  latencyMs: number;
}

export class ScimClient {
  private readonly agent: http.Agent;
  private readonly hostname: string;
  private readonly port: number;
  private readonly pathPrefix: string;
  private readonly authorization: string;

  constructor(
    readonly baseUrl: string,
    token: string,
    maxSockets: number,
  ) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') throw new Error(`--base-url must be an http:// URL, not ${url.protocol}`);
    this.hostname = url.hostname;
    this.port = Number(url.port || 80);
    this.pathPrefix = url.pathname.replace(/\/+$/, '');
    this.authorization = `Bearer ${token}`;
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Sends one request; `body` is already serialised so that building it is not timed. */
  request(method: string, path: string, body?: string): Promise<ScimResponse> {
    const headers: http.OutgoingHttpHeaders = {
      authorization: this.authorization,
      accept: 'application/scim+json',
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/scim+json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
      const req = http.request(
        { agent: this.agent, hostname: this.hostname, port: this.port, method, path: this.pathPrefix + path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), latencyMs: elapsedMs() });
          });
          res.on('error', (error) => resolve({ status: 0, body: error.message, latencyMs: elapsedMs() }));
        },
      );
      // A failed request is an error in the phase's figures, never a reason to stop the run.
      req.on('error', (error) => resolve({ status: 0, body: error.message, latencyMs: elapsedMs() }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
