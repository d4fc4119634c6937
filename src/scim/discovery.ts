import type { ScimAnswer } from './http';
import { MAX_BODY_BYTES } from './http';
import { listResponse } from './list';
import { MAX_COUNT } from './list-params';
import type { Json } from './resource';
import { resourceTypeDocuments, schemaDocuments } from './schema/documents';
import { ScimError } from './errors';

/** Operations one Bulk request may carry (advertised, and enforced with 413). */
export const MAX_BULK_OPERATIONS = 1000;

export function serviceProviderConfig(baseUrl: string): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
    patch: { supported: true },
    bulk: { supported: true, maxOperations: MAX_BULK_OPERATIONS, maxPayloadSize: MAX_BODY_BYTES },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "The connector's bearer token, as created or rotated over the GraphQL admin API",
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function schemas(baseUrl: string, id?: string): ScimAnswer {
  const documents = schemaDocuments(baseUrl) as unknown as Json[];
  return one(documents, id, 'schema') ?? { status: 200, body: listResponse(documents.length, 1, documents) };
}

export function resourceTypes(baseUrl: string, id?: string): ScimAnswer {
  const documents = resourceTypeDocuments(baseUrl) as unknown as Json[];
  return one(documents, id, 'resource type') ?? { status: 200, body: listResponse(documents.length, 1, documents) };
}

function one(documents: Json[], id: string | undefined, noun: string): ScimAnswer | null {
  if (id === undefined) return null;
  const document = documents.find((candidate) => String(candidate.id).toLowerCase() === id.toLowerCase());
  if (!document) throw new ScimError(404, undefined, `no ${noun} "${id}"`);
  return { status: 200, body: document };
}
