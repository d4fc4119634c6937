import { caseKey } from '../../db/columns';
import type { IdpEmail, IdpUserRecord, IdpUserWrite } from '../../domain/idp/idp.types';
import { coerceResource } from '../coerce';
import { ScimError } from '../errors';
import { attribute, checkedLength, checkLimits, isObject, Json, optionalString, requiredString, withSchemas } from '../resource';
import { USER_SCHEMA_ID } from '../schema/definitions';

/**
 * What the domain stores for a SCIM User: the resource as sent (booleans coerced), with the
 * copies that indexes and filters need.
 */
export function userWrite(resource: Json): IdpUserWrite {
  const coerced = checkLimits(coerceResource(resource, 'User'));
  const active = attribute(coerced, 'active');
  if (active !== undefined && active !== null && typeof active !== 'boolean') {
    throw ScimError.badRequest('invalidValue', 'active must be a boolean');
  }
  return {
    resource: coerced,
    userName: requiredString(coerced, 'userName'),
    externalId: optionalString(coerced, 'externalId'),
    displayName: optionalString(coerced, 'displayName'),
    active: active !== false,
    emails: emailsOf(coerced),
  };
}

/** The column of an email's type key (idp_user_emails.typeKey). */
const EMAIL_TYPE_LENGTH = 64;

function emailsOf(resource: Json): IdpEmail[] {
  const emails = attribute(resource, 'emails');
  if (emails === undefined || emails === null) return [];
  if (!Array.isArray(emails)) throw ScimError.badRequest('invalidValue', 'emails must be an array');
  return emails.flatMap((email, index): IdpEmail[] => {
    if (!isObject(email)) throw ScimError.badRequest('invalidValue', 'each email must be an object');
    const value = attribute(email, 'value');
    if (typeof value !== 'string' || value === '') return [];
    const type = attribute(email, 'type');
    if (typeof type === 'string' && caseKey(type).length > EMAIL_TYPE_LENGTH) {
      throw ScimError.badRequest('invalidValue', `emails[${index}].type must be at most ${EMAIL_TYPE_LENGTH} characters`);
    }
    return [
      {
        typeKey: typeof type === 'string' ? caseKey(type) : null,
        valueKey: caseKey(checkedLength(value, `emails[${index}].value`)),
        primary: attribute(email, 'primary') === true,
      },
    ];
  });
}

export function userLocation(baseUrl: string, id: string): string {
  return `${baseUrl}/Users/${id}`;
}

/** The SCIM representation: what the IdP wrote, plus the server's id and meta. */
export function userRepresentation(user: IdpUserRecord, baseUrl: string): Json {
  return {
    ...withSchemas(user.resource, USER_SCHEMA_ID),
    id: user.id,
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: userLocation(baseUrl, user.id),
      version: `W/"${user.version}"`,
    },
  };
}
