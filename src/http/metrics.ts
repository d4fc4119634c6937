import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  /** Counts each request and times it, labelled by the route pattern (never the raw path). */
  middleware: RequestHandler;
}

/** Marks the route label of requests that no express route pattern describes (mounted apps). */
export function metricsRoute(route: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.metricsRoute = route;
    next();
  };
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const baseUrl = req.baseUrl;
    res.on('finish', () => {
      const route: string =
        res.locals.metricsRoute ?? (req.route ? `${baseUrl}${String(req.route.path)}` : 'unmatched');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, seconds);
    });
    next();
  };
  return { registry, middleware };
}
