import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger';
import { requestId } from './request-id';

/** Probes and scrapes would drown the log. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** One request's id, logger and metrics label; the same for Express routes and the SCIM handler. */
export class RequestScope {
  /** The route pattern that labels the request in metrics: never a raw path with ids in it. */
  route = 'unmatched';
  private child: Logger | undefined;

  constructor(
    readonly id: string,
    private readonly root: Logger,
  ) {}

  /** A logger whose lines carry the request id; made on first use, so quiet requests pay nothing. */
  get log(): Logger {
    return (this.child ??= this.root.child({ reqId: this.id }));
  }
}

/**
 * Request ids, one log line per request (method, URL, status, milliseconds; never a header), and
 * Prometheus counts and latencies per route.
 */
export class HttpInstrumentation {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly logsRequests: boolean;

  constructor(private readonly log: Logger) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.logsRequests = log.isLevelEnabled('info');
  }

  begin(req: IncomingMessage, res: ServerResponse): RequestScope {
    const scope = new RequestScope(requestId(req, res), this.log);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = req.method ?? 'GET';
      this.requests.labels(method, scope.route, String(res.statusCode)).inc();
      this.duration.labels(method, scope.route).observe(seconds);
      if (!this.logsRequests || QUIET_ROUTES.has(scope.route)) return;
      const line = { reqId: scope.id, method, url: req.url, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 };
      if (res.statusCode >= 500) this.log.error(line, 'request completed');
      else this.log.info(line, 'request completed');
    });
    return scope;
  }
}
