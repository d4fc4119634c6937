import express, { ErrorRequestHandler, Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import { isReady } from './db/data-source';
import type { Services } from './domain/services';
import { createGraphQLEndpoint } from './graphql/server';
import { createHttpMetrics, metricsRoute } from './http/metrics';
import { requestId } from './http/request-id';
import type { Logger } from './logger';
import { createScimRouter } from './scim/router';

export interface App {
  express: Express;
  /** Stops what the app started (Apollo); the caller closes the HTTP server and the database. */
  stop(): Promise<void>;
}

/** The JSON body limit of the admin API. */
const GRAPHQL_BODY_LIMIT = '1mb';

export async function createApp(services: Services, config: Pick<Config, 'publicUrl' | 'scimRateLimit'>, log: Logger): Promise<App> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  const metrics = createHttpMetrics();
  app.use(
    pinoHttp({
      logger: log,
      genReqId: requestId,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // Probes and scrapes would drown the log.
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
    }),
  );
  app.use(metrics.middleware);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (req, res) => {
    try {
      if (await isReady(services.dataSource)) {
        res.json({ status: 'ready' });
        return;
      }
      res.status(503).json({ status: 'not ready', reason: 'migrations pending' });
    } catch (error) {
      req.log.warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'not ready', reason: 'database unreachable' });
    }
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const graphql = await createGraphQLEndpoint(services, config, log);
  app.use('/graphql', metricsRoute('/graphql'), express.json({ limit: GRAPHQL_BODY_LIMIT }), graphql.handler);

  app.use('/scim/v2/:connectorId', createScimRouter(services, config, log));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) req.log.error({ err: error }, 'request failed');
    res.status(status).json({
      error: status === 500 ? 'internal server error' : String(error.message),
      requestId: res.getHeader('X-Request-Id'),
    });
  };
  app.use(onError);

  return { express: app, stop: () => graphql.stop() };
}
