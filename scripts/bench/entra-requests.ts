/**
 * Request paths and bodies in the shapes Microsoft Entra ID sends (see
 * ../shared/entra/scenarios.json, default PATCH dialect), serialised once, before any timing.
 */
import { randomUUID } from 'node:crypto';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
// Entra adds this to `schemas` when it creates a group; a server must tolerate it.
const MICROSOFT_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const DEPARTMENTS = ['Retail', 'Marketing', 'Sales', 'Engineering', 'Finance', 'Legal', 'Support'];

interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

function patchBody(operations: PatchOperation[]): string {
  return JSON.stringify({ schemas: [PATCH_OP], Operations: operations });
}

/** Entra writes `"$ref": null` beside each member id in its default dialect. */
function memberValues(userIds: readonly string[]): { $ref: null; value: string }[] {
  return userIds.map((value) => ({ $ref: null, value }));
}

export function userFilterPath(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
}

export function groupFilterPath(displayName: string): string {
  return `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`;
}

/** `index` varies the attributes from user to user; the externalId is the userName's local part. */
export function createUserBody(userName: string, index: number): string {
  const givenName = `Bench${index}`;
  const familyName = `User${index}`;
  return JSON.stringify({
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId: userName.slice(0, userName.indexOf('@')),
    userName,
    active: true,
    name: { formatted: `${givenName} ${familyName}`, familyName, givenName },
    meta: { resourceType: 'User' },
    roles: [],
    emails: [{ primary: true, type: 'work', value: userName }],
    displayName: `${givenName} ${familyName}`,
    title: 'Associate',
    preferredLanguage: 'en-US',
    [ENTERPRISE_USER]: { department: DEPARTMENTS[index % DEPARTMENTS.length], employeeNumber: `E-${index}` },
  });
}

export function createGroupBody(displayName: string): string {
  return JSON.stringify({
    schemas: [CORE_GROUP, MICROSOFT_GROUP],
    externalId: randomUUID(),
    displayName,
    meta: { resourceType: 'Group' },
  });
}

/**
 * An attribute change as Entra's default dialect sends it: Replace for set attributes, Add on a
 * filtered multi-valued path. `replaceOnly` turns the Add into a Replace, for servers without Add.
 */
export function updateUserBody(userName: string, index: number, replaceOnly: boolean): string {
  return patchBody([
    { op: 'Replace', path: 'title', value: `Senior Associate ${index}` },
    { op: 'Replace', path: `${ENTERPRISE_USER}:department`, value: DEPARTMENTS[(index + 1) % DEPARTMENTS.length] },
    { op: replaceOnly ? 'Replace' : 'Add', path: 'emails[type eq "work"].value', value: `moved.${userName}` },
  ]);
}

/** Entra's default dialect sends booleans as the strings "True" and "False". */
export const DEACTIVATE_USER_BODY = patchBody([{ op: 'Replace', path: 'active', value: 'False' }]);

export function addMembersBody(userIds: readonly string[]): string {
  return patchBody([{ op: 'Add', path: 'members', value: memberValues(userIds) }]);
}

export function removeMembersBody(userIds: readonly string[]): string {
  return patchBody([{ op: 'Remove', path: 'members', value: memberValues(userIds) }]);
}
