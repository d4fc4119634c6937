import type { ScimContext } from '../context';
import type { ScimAnswer } from '../http';
import { listQuery, listResponse } from '../list';
import type { ListParams, Projection } from '../list-params';
import { project } from '../projection';
import { applyPatch, readPatchRequest } from '../patch';
import { withoutServerOwned, writableResource } from '../resource';
import { USER_SCHEMA_ID } from '../schema/definitions';
import { userLocation, userRepresentation, userWrite } from './user.mapper';

/** The SCIM operations on Users, independent of HTTP: the router and Bulk both call them. */

export async function createUser(sc: ScimContext, body: unknown): Promise<ScimAnswer> {
  const user = await sc.services.idpUsers.create(sc.request, sc.connectorId, userWrite(writableResource(body)));
  return { status: 201, body: userRepresentation(user, sc.baseUrl), location: userLocation(sc.baseUrl, user.id), version: user.version };
}

export async function getUser(sc: ScimContext, id: string, projection: Projection, ifNoneMatch?: number): Promise<ScimAnswer> {
  const user = await sc.services.idpUsers.get(sc.request, sc.connectorId, id);
  if (ifNoneMatch === user.version) return { status: 304, version: user.version };
  return { status: 200, body: project(userRepresentation(user, sc.baseUrl), projection, USER_SCHEMA_ID), version: user.version };
}

export async function replaceUser(sc: ScimContext, id: string, body: unknown, ifMatch?: number): Promise<ScimAnswer> {
  const write = userWrite(writableResource(body));
  const user = await sc.services.idpUsers.modify(sc.request, sc.connectorId, id, () => write, ifMatch);
  return { status: 200, body: userRepresentation(user, sc.baseUrl), version: user.version };
}

/** RFC 7644 §3.5.2: read, apply every operation, write; one failing operation leaves the user untouched. */
export async function patchUser(sc: ScimContext, id: string, body: unknown, ifMatch?: number): Promise<ScimAnswer> {
  const operations = readPatchRequest(body);
  const user = await sc.services.idpUsers.modify(
    sc.request,
    sc.connectorId,
    id,
    (current) => userWrite(withoutServerOwned(applyPatch(current.resource, operations, 'User'))),
    ifMatch,
  );
  return { status: 200, body: userRepresentation(user, sc.baseUrl), version: user.version };
}

export async function deleteUser(sc: ScimContext, id: string, ifMatch?: number): Promise<ScimAnswer> {
  await sc.services.idpUsers.remove(sc.request, sc.connectorId, id, ifMatch);
  return { status: 204 };
}

export async function listUsers(sc: ScimContext, params: ListParams): Promise<ScimAnswer> {
  const page = await sc.services.idpUsers.list(sc.request, sc.connectorId, listQuery(params, 'User'));
  const resources = page.items.map((user) => project(userRepresentation(user, sc.baseUrl), params.projection, USER_SCHEMA_ID));
  return { status: 200, body: listResponse(page.total, params.startIndex, resources) };
}
