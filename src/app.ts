import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import express, { ErrorRequestHandler, RequestHandler } from 'express';
import { Counter } from 'prom-client';
import type { Config } from './config';
import { isReady } from './db/data-source';
import type { Services } from './domain/services';
import { createGraphQLEndpoint } from './graphql/server';
import { HttpInstrumentation, RequestScope } from './http/instrumentation';
import { jsonProblem, JsonBodyError, MAX_JSON_DEPTH } from './http/json-body';
import type { Logger } from './logger';
import { createScimHandler, SCIM_PREFIX } from './scim/handler';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request's id, logger and metrics label. */
      scope: RequestScope;
    }
  }
}

export interface App {
  /** Answers one HTTP request: hand it to http.createServer. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Stops what the app started (Apollo); the caller closes the HTTP server and the database. */
  stop(): Promise<void>;
}

/** The JSON body limit of the admin API. */
const GRAPHQL_BODY_LIMIT = '1mb';

/**
 * The admin API's JSON body, held to what the SCIM front asks of its bodies (parseJsonBody):
 * valid UTF-8, nested at most MAX_JSON_DEPTH, no lone surrogates. body-parser would otherwise
 * replace bad bytes with U+FFFD and hand graphql-js input that its recursive coercion overflows on.
 */
const graphqlBody = express.json({
  limit: GRAPHQL_BODY_LIMIT,
  verify: (_req, _res, bytes) => {
    if (!isUtf8(bytes)) throw Object.assign(new JsonBodyError('the body is not valid UTF-8'), { status: 400 });
  },
});

const checkedGraphqlBody: RequestHandler = (req, _res, next) => {
  const problem = req.body === undefined ? undefined : jsonProblem(req.body, MAX_JSON_DEPTH);
  next(problem ? Object.assign(new JsonBodyError(problem), { status: 400 }) : undefined);
};

/** A body the admin API cannot read, answered as a GraphQL error (Apollo's BAD_REQUEST) rather than the app's plain one. */
const graphqlBodyError: ErrorRequestHandler = (error, _req, res, next) => {
  const status = typeof error?.status === 'number' ? error.status : 500;
  if (status < 400 || status >= 500) return next(error);
  res.status(status).json({ errors: [{ message: String(error.message), extensions: { code: 'BAD_REQUEST' } }] });
};

/** Where `npm run build` puts the dashboard (scripts/build-dashboard.mjs). */
const DASHBOARD_DIR = path.resolve(__dirname, '../dashboard');

/**
 * The dashboard's files may come from this origin only, and it may talk to this origin only: an
 * injected script would find nowhere to send a token.
 */
const DASHBOARD_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Revalidated each time (ETag): a deploy's new bundle is seen at once, an unchanged one costs a 304.
  'Cache-Control': 'no-cache',
};

/** Labels the request in metrics with its route pattern. */
const routed =
  (route: string): RequestHandler =>
  (req, _res, next) => {
    req.scope.route = route;
    next();
  };

export async function createApp(services: Services, config: Pick<Config, 'publicUrl' | 'scimRateLimit'>, log: Logger): Promise<App> {
  const instrumentation = new HttpInstrumentation(log);
  const scim = createScimHandler(services, config);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', false);

  app.get('/healthz', routed('/healthz'), (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', routed('/readyz'), async (req, res) => {
    try {
      if (await isReady(services.dataSource)) {
        res.json({ status: 'ready' });
        return;
      }
      res.status(503).json({ status: 'not ready', reason: 'migrations pending' });
    } catch (error) {
      req.scope.log.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'not ready', reason: 'database unreachable' });
    }
  });

  new Counter({
    name: 'scimdir_provisioning_events_dropped_total',
    help: 'Provisioning events the database refused even when written alone, and so not recorded',
    registers: [instrumentation.registry],
    collect() {
      this.reset();
      this.inc(services.provisioningLog.dropped);
    },
  });

  app.get('/metrics', routed('/metrics'), async (_req, res) => {
    res.type(instrumentation.registry.contentType).send(await instrumentation.registry.metrics());
  });

  const graphql = await createGraphQLEndpoint(services, config);
  app.use('/graphql', routed('/graphql'), graphqlBody, checkedGraphqlBody, graphql.handler, graphqlBodyError);

  app.use(
    express.static(DASHBOARD_DIR, {
      index: 'index.html',
      // Called for the files served only: what falls through keeps its own label (a 404's).
      setHeaders: (res) => {
        (res.req as express.Request).scope.route = '/ (dashboard)';
        for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) res.setHeader(name, value);
      },
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) req.scope.log.error({ err: error }, 'request failed');
    res.status(status).json({
      error: status === 500 ? 'internal server error' : String(error.message),
      requestId: req.scope.id,
    });
  };
  app.use(onError);

  return {
    handle: (req, res) => {
      const scope = instrumentation.begin(req, res);
      if (req.url?.startsWith(SCIM_PREFIX)) {
        scim(req, res, scope);
        return;
      }
      (req as express.Request).scope = scope;
      app(req, res);
    },
    stop: () => graphql.stop(),
  };
}
