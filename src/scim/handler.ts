import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { ProvisioningOperation, ProvisioningResourceType } from '../db/entities/provisioning-event.entity';
import { DomainError } from '../domain/errors';
import { bearerToken } from '../domain/secrets';
import type { Services } from '../domain/services';
import type { RequestScope } from '../http/instrumentation';
import { JsonBodyError, parseJsonBody } from '../http/json-body';
import { runBulk } from './bulk';
import type { ScimContext } from './context';
import { resourceTypes, schemas, serviceProviderConfig } from './discovery';
import { ScimError } from './errors';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from './groups/groups.operations';
import { asScimError, INTERNAL_ERROR, MAX_BODY_BYTES, SCIM_MEDIA_TYPE, ScimAnswer, send, versionFromHeader } from './http';
import { readListParams, readProjection } from './list-params';
import { RateLimiter } from './rate-limit';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './users/users.operations';

/** Where SCIM lives: `/scim/v2/<connector id>/…`. */
export const SCIM_PREFIX = '/scim/v2/';

/** What a route sees of its request. */
interface ScimRequest {
  /** The path segment after the resource type, e.g. the user id. */
  id: string;
  query: Record<string, string | string[]>;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface Route {
  method: string;
  /** The path after the connector id, with `:id` standing for one segment. */
  path: string;
  run(sc: ScimContext, request: ScimRequest): Promise<ScimAnswer> | ScimAnswer;
  /** Writes are recorded as provisioning events. */
  recorded?: { operation: ProvisioningOperation; resourceType: ProvisioningResourceType };
}

const ROUTES: Route[] = [
  { method: 'GET', path: '/ServiceProviderConfig', run: (sc) => ({ status: 200, body: serviceProviderConfig(sc.baseUrl) }) },
  { method: 'GET', path: '/ResourceTypes', run: (sc) => resourceTypes(sc.baseUrl) },
  { method: 'GET', path: '/ResourceTypes/:id', run: (sc, r) => resourceTypes(sc.baseUrl, r.id) },
  { method: 'GET', path: '/Schemas', run: (sc) => schemas(sc.baseUrl) },
  { method: 'GET', path: '/Schemas/:id', run: (sc, r) => schemas(sc.baseUrl, r.id) },

  { method: 'GET', path: '/Users', run: (sc, r) => listUsers(sc, readListParams(r.query, 'User')) },
  { method: 'POST', path: '/Users/.search', run: (sc, r) => listUsers(sc, readListParams(searchRequest(r.body), 'User')) },
  { method: 'POST', path: '/Users', run: (sc, r) => createUser(sc, r.body), recorded: { operation: 'CREATE', resourceType: 'User' } },
  { method: 'GET', path: '/Users/:id', run: (sc, r) => getUser(sc, r.id, readProjection(r.query), ifNoneMatch(r)) },
  { method: 'PUT', path: '/Users/:id', run: (sc, r) => replaceUser(sc, r.id, r.body, ifMatch(r)), recorded: { operation: 'REPLACE', resourceType: 'User' } },
  { method: 'PATCH', path: '/Users/:id', run: (sc, r) => patchUser(sc, r.id, r.body, ifMatch(r)), recorded: { operation: 'PATCH', resourceType: 'User' } },
  { method: 'DELETE', path: '/Users/:id', run: (sc, r) => deleteUser(sc, r.id, ifMatch(r)), recorded: { operation: 'DELETE', resourceType: 'User' } },

  { method: 'GET', path: '/Groups', run: (sc, r) => listGroups(sc, readListParams(r.query, 'Group')) },
  { method: 'POST', path: '/Groups/.search', run: (sc, r) => listGroups(sc, readListParams(searchRequest(r.body), 'Group')) },
  { method: 'POST', path: '/Groups', run: (sc, r) => createGroup(sc, r.body), recorded: { operation: 'CREATE', resourceType: 'Group' } },
  { method: 'GET', path: '/Groups/:id', run: (sc, r) => getGroup(sc, r.id, readProjection(r.query), ifNoneMatch(r)) },
  { method: 'PUT', path: '/Groups/:id', run: (sc, r) => replaceGroup(sc, r.id, r.body, ifMatch(r)), recorded: { operation: 'REPLACE', resourceType: 'Group' } },
  { method: 'PATCH', path: '/Groups/:id', run: (sc, r) => patchGroup(sc, r.id, r.body, ifMatch(r)), recorded: { operation: 'PATCH', resourceType: 'Group' } },
  { method: 'DELETE', path: '/Groups/:id', run: (sc, r) => deleteGroup(sc, r.id, ifMatch(r)), recorded: { operation: 'DELETE', resourceType: 'Group' } },

  { method: 'POST', path: '/Bulk', run: (sc, r) => runBulk(sc, r.body) },
];

/** Failed authentications a second that one client address may make (bursts of twice that) before 429s. */
export const FAILED_AUTH_RATE = 5;

/** The address requests come from: the socket's peer (no proxy header is believed). */
function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '';
}

/** Routes by method and path shape: the fixed part and whether an id segment follows. */
const ROUTE_TABLE = new Map(ROUTES.map((route) => [`${route.method} ${route.path}`, route]));

/**
 * The SCIM 2.0 endpoint of every connector, on plain node:http: SCIM is the hot path (Entra sends
 * thousands of requests per cycle), and a general-purpose framework's routing and body parsing
 * cost as much as the work itself. Each route is one line: read, call an operation, send.
 */
export function createScimHandler(
  services: Services,
  config: Pick<Config, 'publicUrl' | 'scimRateLimit'>,
): (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => void {
  const limiter = new RateLimiter(config.scimRateLimit);
  const failures = new RateLimiter(FAILED_AUTH_RATE);

  const serve = async (req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> => {
    const queryStart = req.url!.indexOf('?');
    const path = queryStart < 0 ? req.url! : req.url!.slice(0, queryStart);
    const [connectorId, ...rest] = path.slice(SCIM_PREFIX.length).split('/').map(decodeSegment);
    scope.route = `${SCIM_PREFIX}:connectorId`;

    // Failures are counted per client, not per connector: a flood of bad tokens is slowed, and
    // the connector's own traffic from elsewhere goes on.
    const client = clientAddress(req);
    const failedWait = failures.wait(client);
    if (failedWait > 0) {
      res.setHeader('Retry-After', String(failedWait));
      throw new ScimError(429, undefined, `this client failed authentication more than ${FAILED_AUTH_RATE} times a second; retry in ${failedWait} s`);
    }
    const token = bearerToken(req.headers.authorization);
    try {
      if (!token) throw new ScimError(401, undefined, 'send the connector’s token as "Authorization: Bearer <token>"');
      await services.connectors.authenticate(connectorId, token);
    } catch (error) {
      if (asScimError(error)?.status === 401) failures.take(client);
      throw error;
    }
    const wait = limiter.take(connectorId);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new ScimError(429, undefined, `this connector sends more than ${config.scimRateLimit} requests a second; retry in ${wait} s`);
    }

    const method = req.method ?? 'GET';
    const fixed = `/${rest.join('/')}`;
    const withId = rest.length === 2 && rest[1] !== '.search' ? `/${rest[0]}/:id` : undefined;
    const route = ROUTE_TABLE.get(`${method} ${fixed}`) ?? (withId ? ROUTE_TABLE.get(`${method} ${withId}`) : undefined);
    if (!route) throw new ScimError(404, undefined, `no SCIM endpoint ${method} ${fixed}`);
    scope.route = `${SCIM_PREFIX}:connectorId${route.path}`;

    const sc: ScimContext = {
      request: { requestId: scope.id, actor: { kind: 'connector', connectorId } },
      connectorId,
      baseUrl: `${config.publicUrl}${SCIM_PREFIX}${connectorId}`,
      services,
      log: scope.log,
    };
    const started = performance.now();
    const request: ScimRequest = {
      id: route.path.endsWith(':id') ? rest[1] : '',
      query: queryStart < 0 ? {} : parseQuery(req.url!.slice(queryStart + 1)),
      headers: req.headers,
      body: await readBody(req),
    };
    let answer: ScimAnswer;
    try {
      answer = await route.run(sc, request);
    } catch (error) {
      if (route.recorded) record(sc, route, rest[1], started, asScimError(error)?.status ?? 500);
      throw error;
    }
    if (route.recorded) {
      const createdId = answer.body && typeof answer.body === 'object' && 'id' in answer.body ? String(answer.body.id) : undefined;
      record(sc, route, rest[1] ?? createdId, started, answer.status);
    }
    send(res, answer);
  };

  const record = (sc: ScimContext, route: Route, id: string | undefined, started: number, status: number) => {
    services.provisioningLog.record({
      connectorId: sc.connectorId,
      at: new Date(),
      operation: route.recorded!.operation,
      resourceType: route.recorded!.resourceType,
      resourceId: id ?? null,
      status,
      durationMs: performance.now() - started,
    });
  };

  return (req, res, scope) => {
    serve(req, res, scope).catch((error: unknown) => {
      const scimError = asScimError(error);
      if (!scimError) scope.log.error({ err: error }, 'SCIM request failed');
      const failure = scimError ?? INTERNAL_ERROR;
      if (failure.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="SCIM"');
      // The body may not have been read (a refused token, a body too large): leave it unread.
      if (!req.complete) res.setHeader('Connection', 'close');
      send(res, { status: failure.status, body: failure.toJSON() });
    });
  };
}

/** JSON and SCIM JSON in any charset, or no content type at all (Entra's Test Connection). */
function isJson(contentType: string | undefined): boolean {
  return contentType === undefined || /^application\/(scim\+)?json\s*(;|$)/i.test(contentType);
}

/** The request's JSON body (undefined when empty), read up to MAX_BODY_BYTES; see parseJsonBody for what it must be. */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  if (!isJson(req.headers['content-type'])) {
    throw new ScimError(415, undefined, `send ${SCIM_MEDIA_TYPE} or application/json, not ${req.headers['content-type']}`);
  }
  const tooLarge = () => new ScimError(413, undefined, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return parseJsonBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  } catch (error) {
    if (error instanceof JsonBodyError) throw ScimError.badRequest('invalidSyntax', error.message);
    throw error;
  }
}

/** A query string as a record; a repeated name gives an array (which the readers then refuse). */
function parseQuery(query: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const existing = result[name];
    result[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return result;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw ScimError.badRequest('invalidSyntax', `the path segment "${segment}" is not valid percent-encoding`);
  }
}

function ifMatch(request: ScimRequest): number | undefined {
  const version = versionFromHeader(request.headers['if-match']);
  if (version === 'unparseable') throw new DomainError('PRECONDITION_FAILED', 'If-Match names no version of this resource');
  return version;
}

function ifNoneMatch(request: ScimRequest): number | undefined {
  const version = versionFromHeader(request.headers['if-none-match']);
  return version === 'unparseable' ? undefined : version;
}

/** A SearchRequest body (RFC 7644 §3.4.3). */
function searchRequest(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ScimError.badRequest('invalidSyntax', 'a SearchRequest is a JSON object');
  return body as Record<string, unknown>;
}
