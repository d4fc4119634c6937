import type { ProvisioningOperation, ProvisioningResourceType } from '../db/entities/provisioning-event.entity';
import type { ScimContext } from './context';
import { MAX_BULK_OPERATIONS } from './discovery';
import { ScimError } from './errors';
import { createGroup, deleteGroup, patchGroup, replaceGroup } from './groups/groups.operations';
import { asScimError, INTERNAL_ERROR, ScimAnswer, versionFromHeader } from './http';
import { isObject, Json } from './resource';
import { createUser, deleteUser, patchUser, replaceUser } from './users/users.operations';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

interface BulkOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
}

/**
 * A Bulk request (RFC 7644 §3.7): operations run in order, each in a transaction of its own, as
 * if sent one by one. `bulkId:<id>` anywhere in a later operation's path or data stands for the id
 * of the resource an earlier POST created. After `failOnErrors` errors the rest are skipped.
 */
export async function runBulk(sc: ScimContext, body: unknown): Promise<ScimAnswer> {
  const { operations, failOnErrors } = readBulkRequest(body);
  const created = new Map<string, string>();
  const results: Json[] = [];
  let errors = 0;
  for (const operation of operations) {
    if (failOnErrors !== undefined && errors >= failOnErrors) break;
    const started = performance.now();
    const { answer, resourceType, id } = await runOne(sc, operation, created);
    const result: Json = { method: operation.method, status: String(answer.status) };
    if (operation.bulkId !== undefined) result.bulkId = operation.bulkId;
    const location = answer.location ?? (id && answer.status < 300 && resourceType ? `${sc.baseUrl}/${resourceType}s/${id}` : undefined);
    if (location && answer.status < 300) result.location = location;
    if (answer.version !== undefined) result.version = `W/"${answer.version}"`;
    if (answer.status >= 400) {
      errors += 1;
      result.response = answer.body;
    }
    if (answer.status === 201 && operation.bulkId !== undefined && id) created.set(operation.bulkId, id);
    if (resourceType) {
      sc.services.provisioningLog.record({
        connectorId: sc.connectorId,
        at: new Date(),
        operation: PROVISIONING_OPERATION[operation.method],
        resourceType,
        resourceId: id ?? null,
        status: answer.status,
        durationMs: performance.now() - started,
      });
    }
    results.push(result);
  }
  return { status: 200, body: { schemas: [BULK_RESPONSE], Operations: results } };
}

const PROVISIONING_OPERATION: Record<BulkOperation['method'], ProvisioningOperation> = {
  POST: 'CREATE',
  PUT: 'REPLACE',
  PATCH: 'PATCH',
  DELETE: 'DELETE',
};

async function runOne(
  sc: ScimContext,
  operation: BulkOperation,
  created: Map<string, string>,
): Promise<{ answer: ScimAnswer; resourceType: ProvisioningResourceType | null; id: string | undefined }> {
  let resourceType: ProvisioningResourceType | null = null;
  let id: string | undefined;
  try {
    const path = resolveBulkIds(operation.path, created) as string;
    const data = resolveBulkIds(operation.data, created);
    const match = /^\/(Users|Groups)(?:\/([^/]+))?$/.exec(path);
    if (!match) throw ScimError.badRequest('invalidPath', `a bulk path is /Users, /Groups, /Users/<id> or /Groups/<id>, not ${path}`);
    resourceType = match[1] === 'Users' ? 'User' : 'Group';
    id = match[2];
    const version = versionFromHeader(operation.version);
    if (version === 'unparseable') throw ScimError.badRequest('invalidValue', 'version is an ETag such as W/"3"');
    const answer = await dispatch(sc, operation.method, resourceType, id, data, version);
    if (!id && isObject(answer.body) && typeof answer.body.id === 'string') id = answer.body.id;
    return { answer, resourceType, id };
  } catch (error) {
    const scimError = asScimError(error);
    if (!scimError) sc.log.error({ err: error }, 'bulk operation failed');
    const failure = scimError ?? INTERNAL_ERROR;
    return { answer: { status: failure.status, body: failure.toJSON() }, resourceType, id };
  }
}

function dispatch(
  sc: ScimContext,
  method: BulkOperation['method'],
  resourceType: ProvisioningResourceType,
  id: string | undefined,
  data: unknown,
  version: number | undefined,
): Promise<ScimAnswer> {
  const users = resourceType === 'User';
  if (method === 'POST') {
    if (id) throw ScimError.badRequest('invalidPath', 'POST goes to /Users or /Groups');
    return users ? createUser(sc, data) : createGroup(sc, data);
  }
  if (!id) throw ScimError.badRequest('invalidPath', `${method} needs a resource id in its path`);
  switch (method) {
    case 'PUT':
      return users ? replaceUser(sc, id, data, version) : replaceGroup(sc, id, data, version);
    case 'PATCH':
      return users ? patchUser(sc, id, data, version) : patchGroup(sc, id, data, version);
    case 'DELETE':
      return users ? deleteUser(sc, id, version) : deleteGroup(sc, id, version);
  }
}

function readBulkRequest(body: unknown): { operations: BulkOperation[]; failOnErrors: number | undefined } {
  if (!isObject(body)) throw ScimError.badRequest('invalidSyntax', 'a BulkRequest is a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(BULK_REQUEST)) throw ScimError.badRequest('invalidSyntax', `schemas must contain ${BULK_REQUEST}`);
  const operations = body.Operations;
  if (!Array.isArray(operations)) throw ScimError.badRequest('invalidSyntax', 'Operations must be an array');
  if (operations.length > MAX_BULK_OPERATIONS) {
    throw new ScimError(413, undefined, `a bulk request carries at most ${MAX_BULK_OPERATIONS} operations, not ${operations.length}`);
  }
  const failOnErrors = body.failOnErrors;
  if (failOnErrors !== undefined && (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1)) {
    throw ScimError.badRequest('invalidValue', 'failOnErrors must be a whole number of at least 1');
  }
  return { operations: operations.map(readOperation), failOnErrors: failOnErrors as number | undefined };
}

function readOperation(raw: unknown, index: number): BulkOperation {
  const where = `Operations[${index}]`;
  if (!isObject(raw)) throw ScimError.badRequest('invalidSyntax', `${where} must be an object`);
  const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : '';
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw ScimError.badRequest('invalidSyntax', `${where}.method must be POST, PUT, PATCH or DELETE`);
  if (typeof raw.path !== 'string') throw ScimError.badRequest('invalidSyntax', `${where}.path must be a string`);
  if (raw.bulkId !== undefined && typeof raw.bulkId !== 'string') throw ScimError.badRequest('invalidSyntax', `${where}.bulkId must be a string`);
  if (method === 'POST' && raw.bulkId === undefined) throw ScimError.badRequest('invalidSyntax', `${where}: a POST needs a bulkId`);
  if (raw.version !== undefined && typeof raw.version !== 'string') throw ScimError.badRequest('invalidSyntax', `${where}.version must be a string`);
  return { method: method as BulkOperation['method'], bulkId: raw.bulkId, version: raw.version, path: raw.path, data: raw.data };
}

/** Replaces every `bulkId:<id>` string with the id its POST created. */
function resolveBulkIds(value: unknown, created: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/bulkId:([^/"\s]+)/g, (_all, bulkId: string) => {
      const id = created.get(bulkId);
      if (!id) throw ScimError.badRequest('invalidValue', `bulkId "${bulkId}" names no resource created earlier in this request`);
      return id;
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveBulkIds(item, created));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveBulkIds(item, created)]));
  return value;
}
