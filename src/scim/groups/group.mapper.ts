import type { IdpGroupRecord, IdpGroupWrite, IdpMember } from '../../domain/idp/idp.types';
import { coerceResource } from '../coerce';
import { ScimError } from '../errors';
import { attribute, checkLimits, isObject, Json, keyOf, optionalString, requiredString, withSchemas } from '../resource';
import { GROUP_SCHEMA_ID } from '../schema/definitions';
import { userLocation } from '../users/user.mapper';

/** A SCIM Group split into what the group row stores and the member ids, which are rows of their own. */
export function groupWrite(resource: Json): { write: IdpGroupWrite; memberIds: string[] } {
  const coerced = coerceResource(resource, 'Group');
  const membersKey = keyOf(coerced, 'members');
  const members = membersKey === undefined ? undefined : coerced[membersKey];
  if (membersKey !== undefined) delete coerced[membersKey];
  checkLimits(coerced);
  return {
    write: {
      resource: coerced,
      displayName: requiredString(coerced, 'displayName'),
      externalId: optionalString(coerced, 'externalId'),
    },
    memberIds: memberIds(members),
  };
}

/** The ids in a members value: `[{ value: "…" }, …]`; null or absent is none. */
export function memberIds(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  const list = Array.isArray(members) ? members : [members];
  return list.map((member) => {
    const value = isObject(member) ? attribute(member, 'value') : undefined;
    if (typeof value !== 'string' || value === '') throw ScimError.badRequest('invalidValue', 'each member needs a string value: the id of a user or group');
    return value;
  });
}

export function groupLocation(baseUrl: string, id: string): string {
  return `${baseUrl}/Groups/${id}`;
}

/** The SCIM representation; `members` undefined leaves the attribute out (excludedAttributes=members). */
export function groupRepresentation(group: IdpGroupRecord, members: IdpMember[] | undefined, baseUrl: string): Json {
  return {
    ...withSchemas(group.resource, GROUP_SCHEMA_ID),
    id: group.id,
    ...(members
      ? {
          members: members.map((member) => ({
            value: member.id,
            $ref: member.type === 'User' ? userLocation(baseUrl, member.id) : groupLocation(baseUrl, member.id),
            type: member.type,
          })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: groupLocation(baseUrl, group.id),
      version: `W/"${group.version}"`,
    },
  };
}
