import type { IdpSortColumn } from '../domain/idp/idp.types';
import { ScimError } from './errors';
import type { Filter } from './filter/ast';
import { parseFilter } from './filter/parse';

/** Items in a page when the client does not say; and the most it may ask for (ServiceProviderConfig filter.maxResults). */
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

export interface ListParams {
  filter: Filter | null;
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
  sort: { column: IdpSortColumn; descending: boolean } | null;
  projection: Projection;
}

export interface Projection {
  attributes: string[];
  excludedAttributes: string[];
}

/** A Map, not an object: a request's `sortBy=__proto__` or `constructor` must find nothing. */
const SORT_COLUMNS = new Map<string, IdpSortColumn>([
  ['id', 'id'],
  ['username', 'userName'],
  ['displayname', 'displayName'],
  ['externalid', 'externalId'],
  ['meta.created', 'createdAt'],
  ['meta.lastmodified', 'updatedAt'],
]);

/**
 * Reads list parameters from a query string (GET) or a SearchRequest body (POST /.search): the
 * same names, as strings or as JSON values.
 */
export function readListParams(source: Record<string, unknown>, resourceType: 'User' | 'Group'): ListParams {
  const value = (name: string) => {
    const key = Object.keys(source).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : source[key];
  };
  const filterText = value('filter');
  if (filterText !== undefined && typeof filterText !== 'string') throw ScimError.badRequest('invalidFilter', 'filter must be a string');

  const startIndex = Math.max(1, integer(value('startIndex'), 'startIndex') ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, integer(value('count'), 'count') ?? DEFAULT_COUNT));

  let sort: ListParams['sort'] = null;
  const sortBy = value('sortBy');
  if (sortBy !== undefined) {
    const column = typeof sortBy === 'string' ? SORT_COLUMNS.get(sortBy.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/, '')) : undefined;
    if (!column || (resourceType === 'Group' && column === 'userName')) {
      throw ScimError.badRequest('invalidValue', `sortBy supports ${resourceType === 'User' ? 'userName, ' : ''}displayName, externalId, id, meta.created and meta.lastModified`);
    }
    const order = value('sortOrder') ?? 'ascending';
    if (order !== 'ascending' && order !== 'descending') throw ScimError.badRequest('invalidValue', 'sortOrder is ascending or descending');
    sort = { column, descending: order === 'descending' };
  }

  return {
    filter: filterText === undefined || filterText.trim() === '' ? null : parseFilter(filterText),
    startIndex,
    count,
    sort,
    projection: readProjection(source),
  };
}

/** `attributes` and `excludedAttributes`: comma-separated in a query string, arrays in a SearchRequest. */
export function readProjection(source: Record<string, unknown>): Projection {
  const list = (name: string): string[] => {
    const key = Object.keys(source).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    const raw = key === undefined ? undefined : source[key];
    if (raw === undefined) return [];
    const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
    if (!items || items.some((item) => typeof item !== 'string')) {
      throw ScimError.badRequest('invalidValue', `${name} must be a list of attribute names`);
    }
    return (items as string[]).map((item) => item.trim()).filter(Boolean);
  };
  return { attributes: list('attributes'), excludedAttributes: list('excludedAttributes') };
}

function integer(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const number = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(number)) throw ScimError.badRequest('invalidValue', `${name} must be a whole number`);
  return number;
}
