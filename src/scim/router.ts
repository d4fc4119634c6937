import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { Config } from '../config';
import type { ProvisioningOperation, ProvisioningResourceType } from '../db/entities/provisioning-event.entity';
import { DomainError } from '../domain/errors';
import { bearerToken } from '../domain/secrets';
import type { Services } from '../domain/services';
import type { Logger } from '../logger';
import { runBulk } from './bulk';
import type { ScimContext } from './context';
import { resourceTypes, schemas, serviceProviderConfig } from './discovery';
import { ScimError } from './errors';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from './groups/groups.operations';
import { asScimError, INTERNAL_ERROR, ScimAnswer, scimBody, send, versionFromHeader } from './http';
import { readListParams, readProjection } from './list-params';
import { RateLimiter } from './rate-limit';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './users/users.operations';

type Operation = (sc: ScimContext, req: Request) => Promise<ScimAnswer> | ScimAnswer;

/** The route pattern in metrics: one label per endpoint, never a connector or resource id. */
const MOUNT = '/scim/v2/:connectorId';

/**
 * The SCIM 2.0 endpoint of every connector, mounted at /scim/v2/:connectorId. Each route is a
 * few lines: it reads the request, calls an operation, and sends the answer.
 */
export function createScimRouter(services: Services, config: Pick<Config, 'publicUrl' | 'scimRateLimit'>, log: Logger): Router {
  const router = express.Router({ mergeParams: true });
  const limiter = new RateLimiter(config.scimRateLimit);

  const context = (req: Request, res: Response): ScimContext => {
    const connectorId = req.params.connectorId as string;
    return {
      request: { requestId: String(res.getHeader('X-Request-Id')), actor: { kind: 'connector', connectorId } },
      connectorId,
      baseUrl: `${config.publicUrl}/scim/v2/${connectorId}`,
      services,
      log: req.log ?? log,
    };
  };

  const route =
    (operation: Operation, recorded?: { operation: ProvisioningOperation; resourceType: ProvisioningResourceType }): RequestHandler =>
    async (req, res) => {
      res.locals.metricsRoute = `${MOUNT}${String(req.route?.path ?? '')}`;
      const sc = context(req, res);
      if (recorded) recordOnFinish(sc, res, recorded.operation, recorded.resourceType, req.params.id as string | undefined);
      const answer = await operation(sc, req);
      if (recorded && answer.body && typeof answer.body === 'object' && 'id' in answer.body) res.locals.resourceId = answer.body.id;
      send(res, answer);
    };

  const recordOnFinish = (
    sc: ScimContext,
    res: Response,
    operation: ProvisioningOperation,
    resourceType: ProvisioningResourceType,
    id: string | undefined,
  ) => {
    const started = performance.now();
    res.on('finish', () => {
      services.provisioningLog.record({
        connectorId: sc.connectorId,
        at: new Date(),
        operation,
        resourceType,
        resourceId: id ?? (res.locals.resourceId as string | undefined) ?? null,
        status: res.statusCode,
        durationMs: performance.now() - started,
      });
    });
  };

  router.use(async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new ScimError(401, undefined, 'send the connector’s token as "Authorization: Bearer <token>"');
    await services.connectors.authenticate(req.params.connectorId as string, token);
    const wait = limiter.take(req.params.connectorId as string);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new ScimError(429, undefined, `this connector sends more than ${config.scimRateLimit} requests a second; retry in ${wait} s`);
    }
    next();
  });
  router.use(scimBody);

  router.get('/ServiceProviderConfig', route((sc) => ({ status: 200, body: serviceProviderConfig(sc.baseUrl) })));
  router.get('/ResourceTypes', route((sc) => resourceTypes(sc.baseUrl)));
  router.get('/ResourceTypes/:id', route((sc, req) => resourceTypes(sc.baseUrl, req.params.id as string)));
  router.get('/Schemas', route((sc) => schemas(sc.baseUrl)));
  router.get('/Schemas/:id', route((sc, req) => schemas(sc.baseUrl, req.params.id as string)));

  router.get('/Users', route((sc, req) => listUsers(sc, readListParams(req.query as Record<string, unknown>, 'User'))));
  router.post('/Users/.search', route((sc, req) => listUsers(sc, readListParams(searchRequest(req.body), 'User'))));
  router.post('/Users', route((sc, req) => createUser(sc, req.body), { operation: 'CREATE', resourceType: 'User' }));
  router.get('/Users/:id', route((sc, req) => getUser(sc, req.params.id as string, readProjection(req.query as Record<string, unknown>), ifNoneMatch(req))));
  router.put('/Users/:id', route((sc, req) => replaceUser(sc, req.params.id as string, req.body, ifMatch(req)), { operation: 'REPLACE', resourceType: 'User' }));
  router.patch('/Users/:id', route((sc, req) => patchUser(sc, req.params.id as string, req.body, ifMatch(req)), { operation: 'PATCH', resourceType: 'User' }));
  router.delete('/Users/:id', route((sc, req) => deleteUser(sc, req.params.id as string, ifMatch(req)), { operation: 'DELETE', resourceType: 'User' }));

  router.get('/Groups', route((sc, req) => listGroups(sc, readListParams(req.query as Record<string, unknown>, 'Group'))));
  router.post('/Groups/.search', route((sc, req) => listGroups(sc, readListParams(searchRequest(req.body), 'Group'))));
  router.post('/Groups', route((sc, req) => createGroup(sc, req.body), { operation: 'CREATE', resourceType: 'Group' }));
  router.get('/Groups/:id', route((sc, req) => getGroup(sc, req.params.id as string, readProjection(req.query as Record<string, unknown>), ifNoneMatch(req))));
  router.put('/Groups/:id', route((sc, req) => replaceGroup(sc, req.params.id as string, req.body, ifMatch(req)), { operation: 'REPLACE', resourceType: 'Group' }));
  router.patch('/Groups/:id', route((sc, req) => patchGroup(sc, req.params.id as string, req.body, ifMatch(req)), { operation: 'PATCH', resourceType: 'Group' }));
  router.delete('/Groups/:id', route((sc, req) => deleteGroup(sc, req.params.id as string, ifMatch(req)), { operation: 'DELETE', resourceType: 'Group' }));

  router.post('/Bulk', route((sc, req) => runBulk(sc, req.body)));

  router.use((req, _res, next) => next(new ScimError(404, undefined, `no SCIM endpoint ${req.method} ${req.path}`)));

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const scimError = asScimError(error);
    if (!scimError) req.log.error({ err: error }, 'SCIM request failed');
    const answer = scimError ?? INTERNAL_ERROR;
    if (answer.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="SCIM"');
    send(res, { status: answer.status, body: answer.toJSON() });
  });

  return router;
}

function ifMatch(req: Request): number | undefined {
  const version = versionFromHeader(req.headers['if-match']);
  if (version === 'unparseable') throw new DomainError('PRECONDITION_FAILED', 'If-Match names no version of this resource');
  return version;
}

function ifNoneMatch(req: Request): number | undefined {
  const version = versionFromHeader(req.headers['if-none-match']);
  return version === 'unparseable' ? undefined : version;
}

/** A SearchRequest body (RFC 7644 §3.4.3). */
function searchRequest(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ScimError.badRequest('invalidSyntax', 'a SearchRequest is a JSON object');
  return body as Record<string, unknown>;
}
