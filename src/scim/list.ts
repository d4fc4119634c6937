import type { IdpListQuery } from '../domain/idp/idp.types';
import { ScimError } from './errors';
import type { Filter } from './filter/ast';
import { matchesFilter, validateFilter } from './filter/evaluate';
import { filterToSql } from './filter/sql';
import type { ListParams } from './list-params';
import type { Json } from './resource';
import type { ResourceTypeName } from './schema/definitions';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * The domain query for a SCIM list: the filter's SQL part, and the evaluator for whatever SQL
 * does not decide, run on each candidate's SCIM representation (with id and meta).
 */
export function listQuery(params: ListParams, resourceType: ResourceTypeName): IdpListQuery {
  const page = { sort: params.sort, offset: params.startIndex - 1, limit: params.count };
  const filter = params.filter;
  if (!filter) return { where: null, matches: null, ...page };
  validateFilter(filter, resourceType);
  const sql = filterToSql(filter, resourceType);
  if (sql.exact) return { where: sql.where, matches: null, ...page };
  if (resourceType === 'Group' && mentions(filter, 'members')) {
    // Members are rows, not part of the JSON the evaluator sees: only SQL can decide them.
    throw ScimError.badRequest('invalidFilter', 'members may only be combined with other conditions by `and`');
  }
  return {
    where: sql.where,
    matches: (resource, record) =>
      matchesFilter(
        { ...resource, id: record.id, meta: { created: record.createdAt.toISOString(), lastModified: record.updatedAt.toISOString() } },
        filter,
        resourceType,
      ),
    ...page,
  };
}

function mentions(filter: Filter, attribute: string): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return mentions(filter.left, attribute) || mentions(filter.right, attribute);
    case 'not':
      return mentions(filter.filter, attribute);
    default:
      return filter.path.attribute.toLowerCase() === attribute;
  }
}

export function listResponse(total: number, startIndex: number, resources: Json[]): Json {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}
