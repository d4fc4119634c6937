import type { ScimContext } from '../context';
import type { ScimAnswer } from '../http';
import { listQuery, listResponse } from '../list';
import type { ListParams, Projection } from '../list-params';
import { excludes, project } from '../projection';
import { applyPatch, memberChange, namedMemberIds, readPatchRequest, splitGroupOperations } from '../patch';
import { withoutServerOwned, writableResource } from '../resource';
import { GROUP_SCHEMA_ID } from '../schema/definitions';
import { groupLocation, groupRepresentation, groupWrite } from './group.mapper';

/** The SCIM operations on Groups, independent of HTTP. Members are read only when the answer shows them. */

export async function createGroup(sc: ScimContext, body: unknown): Promise<ScimAnswer> {
  const { write, memberIds } = groupWrite(writableResource(body));
  const group = await sc.services.idpGroups.create(sc.request, sc.connectorId, write, memberIds);
  const members = (await sc.services.idpGroups.members(sc.request, [group.id])).get(group.id);
  return { status: 201, body: groupRepresentation(group, members, sc.baseUrl), location: groupLocation(sc.baseUrl, group.id), version: group.version };
}

export async function getGroup(sc: ScimContext, id: string, projection: Projection, ifNoneMatch?: number): Promise<ScimAnswer> {
  const group = await sc.services.idpGroups.get(sc.request, sc.connectorId, id);
  if (ifNoneMatch === group.version) return { status: 304, version: group.version };
  const members = excludes(projection, 'members') ? undefined : (await sc.services.idpGroups.members(sc.request, [id])).get(id);
  return { status: 200, body: project(groupRepresentation(group, members, sc.baseUrl), projection, GROUP_SCHEMA_ID), version: group.version };
}

export async function replaceGroup(sc: ScimContext, id: string, body: unknown, ifMatch?: number): Promise<ScimAnswer> {
  const { write, memberIds } = groupWrite(writableResource(body));
  const group = await sc.services.idpGroups.modify(
    sc.request,
    sc.connectorId,
    id,
    () => ({ write, members: { add: [], remove: [], replaceWith: memberIds } }),
    ifMatch,
    memberIds,
  );
  const members = (await sc.services.idpGroups.members(sc.request, [id])).get(id);
  return { status: 200, body: groupRepresentation(group, members, sc.baseUrl), version: group.version };
}

/**
 * A group PATCH: member operations become row inserts and deletes of just the members named, so
 * its cost follows the change, not the group; the rest is applied to the group's attributes.
 */
export async function patchGroup(sc: ScimContext, id: string, body: unknown, ifMatch?: number): Promise<ScimAnswer> {
  const { resourceOperations, memberOperations } = splitGroupOperations(readPatchRequest(body));
  const group = await sc.services.idpGroups.modify(
    sc.request,
    sc.connectorId,
    id,
    async (current, members) => ({
      write: resourceOperations.length > 0 ? groupWrite(withoutServerOwned(applyPatch(current.resource, resourceOperations, 'Group'))).write : null,
      members: await memberChange(memberOperations, members),
    }),
    ifMatch,
    namedMemberIds(memberOperations),
  );
  return { status: 204, version: group.version };
}

export async function deleteGroup(sc: ScimContext, id: string, ifMatch?: number): Promise<ScimAnswer> {
  await sc.services.idpGroups.remove(sc.request, sc.connectorId, id, ifMatch);
  return { status: 204 };
}

export async function listGroups(sc: ScimContext, params: ListParams): Promise<ScimAnswer> {
  const page = await sc.services.idpGroups.list(sc.request, sc.connectorId, listQuery(params, 'Group'));
  const members = excludes(params.projection, 'members')
    ? undefined
    : await sc.services.idpGroups.members(
        sc.request,
        page.items.map((group) => group.id),
      );
  const resources = page.items.map((group) =>
    project(groupRepresentation(group, members?.get(group.id), sc.baseUrl), params.projection, GROUP_SCHEMA_ID),
  );
  return { status: 200, body: listResponse(page.total, params.startIndex, resources) };
}
