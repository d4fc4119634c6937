/**
 * The /Schemas and /ResourceTypes documents of RFC 7643 §6 and §7, built from the definitions.
 * Without a base URL they carry no `meta.location`, which makes them independent of where the
 * service runs: that form is committed under schema/scim/ so that a change to the schemas shows
 * up in review.
 */
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE_SCHEMAS,
  USER_SCHEMA,
  type AttributeDefinition,
  type ResourceTypeName,
  type SchemaDefinition,
} from './definitions';

export const SCHEMA_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

export interface SchemaDocument {
  schemas: [typeof SCHEMA_SCHEMA_ID];
  id: string;
  name: string;
  description: string;
  attributes: readonly AttributeDefinition[];
  meta: { resourceType: 'Schema'; location?: string };
}

export interface ResourceTypeDocument {
  schemas: [typeof RESOURCE_TYPE_SCHEMA_ID];
  id: ResourceTypeName;
  name: ResourceTypeName;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions?: Array<{ schema: string; required: boolean }>;
  meta: { resourceType: 'ResourceType'; location?: string };
}

/** `baseUrl` is a connector's SCIM base URL, e.g. `https://dir.example.com/scim/v2/<connector id>`. */
function locationOf(baseUrl: string | undefined, collection: string, id: string): { location?: string } {
  return baseUrl === undefined ? {} : { location: `${baseUrl.replace(/\/+$/, '')}/${collection}/${id}` };
}

export function schemaDocument(schema: SchemaDefinition, baseUrl?: string): SchemaDocument {
  return {
    schemas: [SCHEMA_SCHEMA_ID],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: 'Schema', ...locationOf(baseUrl, 'Schemas', schema.id) },
  };
}

/** Every schema, in the order GET /Schemas lists them. */
export function schemaDocuments(baseUrl?: string): SchemaDocument[] {
  return [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA].map((schema) => schemaDocument(schema, baseUrl));
}

const RESOURCE_TYPES: Record<ResourceTypeName, { endpoint: string; description: string }> = {
  User: { endpoint: '/Users', description: 'User Account' },
  Group: { endpoint: '/Groups', description: 'Group' },
};

export function resourceTypeDocument(name: ResourceTypeName, baseUrl?: string): ResourceTypeDocument {
  const { core, extensions } = RESOURCE_TYPE_SCHEMAS[name];
  return {
    schemas: [RESOURCE_TYPE_SCHEMA_ID],
    id: name,
    name,
    ...RESOURCE_TYPES[name],
    schema: core.id,
    // RFC 7643 §8.6 leaves schemaExtensions out of a resource type that has none.
    ...(extensions.length > 0 ? { schemaExtensions: extensions.map((extension) => ({ schema: extension.id, required: false })) } : {}),
    meta: { resourceType: 'ResourceType', ...locationOf(baseUrl, 'ResourceTypes', name) },
  };
}

/** Every resource type, in the order GET /ResourceTypes lists them. */
export function resourceTypeDocuments(baseUrl?: string): ResourceTypeDocument[] {
  return (['User', 'Group'] as const).map((name) => resourceTypeDocument(name, baseUrl));
}

/**
 * The files under schema/scim/, by name, with their exact contents: what
 * `scripts/emit-scim-schemas.ts` writes and what a unit test compares the committed files with.
 */
export function scimSchemaFiles(): Record<string, string> {
  const json = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;
  return {
    'User.json': json(schemaDocument(USER_SCHEMA)),
    'Group.json': json(schemaDocument(GROUP_SCHEMA)),
    'EnterpriseUser.json': json(schemaDocument(ENTERPRISE_USER_SCHEMA)),
    'ResourceTypes.json': json(resourceTypeDocuments()),
  };
}
