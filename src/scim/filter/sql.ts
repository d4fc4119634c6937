import { caseKey } from '../../db/columns';
import { escapeLike, sqlTime } from '../../db/sql';
import type { SqlCondition } from '../../domain/idp/idp.types';
import { ScimError } from '../errors';
import type { ResourceTypeName } from '../schema/definitions';
import type { AttributePath, CompareOperator, CompareValue, Filter } from './ast';

/**
 * A filter as SQL over an IdP table aliased `r`. `exact` says whether the SQL decides the whole
 * filter; when it does not, the SQL only narrows the rows (it never drops a row the filter would
 * keep) and the in-memory evaluator decides the rest. Values are always bound parameters.
 */
export interface SqlFilter {
  where: SqlCondition | null;
  exact: boolean;
}

/** How one attribute is stored in SQL. */
interface Column {
  sql: string;
  /** The column holds caseKey(value): compare with caseKey of the filter's value. */
  keyed: boolean;
  nullable: boolean;
  kind: 'string' | 'time';
}

const ID: Column = { sql: 'r.id', keyed: false, nullable: false, kind: 'string' };
const EXTERNAL_ID: Column = { sql: 'r.externalId', keyed: false, nullable: true, kind: 'string' };
const CREATED: Column = { sql: 'r.createdAt', keyed: false, nullable: false, kind: 'time' };
const LAST_MODIFIED: Column = { sql: 'r.updatedAt', keyed: false, nullable: false, kind: 'time' };

/** Maps, not objects: a filter on `constructor` or `__proto__` must find no column. */
const USER_COLUMNS = new Map<string, Column>([
  ['id', ID],
  ['username', { sql: 'r.userNameKey', keyed: true, nullable: false, kind: 'string' }],
  ['externalid', EXTERNAL_ID],
  ['meta.created', CREATED],
  ['meta.lastmodified', LAST_MODIFIED],
]);

const GROUP_COLUMNS = new Map<string, Column>([
  ['id', ID],
  ['displayname', { sql: 'r.displayNameKey', keyed: true, nullable: false, kind: 'string' }],
  ['externalid', EXTERNAL_ID],
  ['meta.created', CREATED],
  ['meta.lastmodified', LAST_MODIFIED],
]);

const UNDECIDED: SqlFilter = { where: null, exact: false };

export function filterToSql(filter: Filter, resourceType: ResourceTypeName): SqlFilter {
  return translate(filter, resourceType);
}

function translate(filter: Filter, resourceType: ResourceTypeName): SqlFilter {
  switch (filter.kind) {
    case 'and': {
      const left = translate(filter.left, resourceType);
      const right = translate(filter.right, resourceType);
      const parts = [left.where, right.where].filter((part): part is SqlCondition => part !== null);
      return { where: join(parts, 'AND'), exact: left.exact && right.exact };
    }
    case 'or': {
      const left = translate(filter.left, resourceType);
      const right = translate(filter.right, resourceType);
      // A side that SQL cannot narrow could keep any row: the union then cannot be narrowed either.
      if (!left.where || !right.where) return UNDECIDED;
      return { where: join([left.where, right.where], 'OR'), exact: left.exact && right.exact };
    }
    case 'not': {
      const inner = translate(filter.filter, resourceType);
      return inner.exact && inner.where ? { where: { sql: `NOT (${inner.where.sql})`, params: inner.where.params }, exact: true } : UNDECIDED;
    }
    case 'present':
    case 'compare':
      return attribute(filter, resourceType);
    case 'valuePath':
      return valuePath(filter.path, filter.filter, resourceType);
  }
}

function attribute(filter: Extract<Filter, { kind: 'present' | 'compare' }>, resourceType: ResourceTypeName): SqlFilter {
  const name = columnName(filter.path, resourceType);
  if (resourceType === 'User' && (name === 'emails' || name === 'emails.value')) {
    // Only emails with a value have rows: `emails pr` is narrowed by them, not decided.
    return filter.kind === 'present' ? { ...emails(null, null), exact: false } : emails(null, filter);
  }
  if (resourceType === 'Group' && (name === 'members' || name === 'members.value')) {
    return members(filter.kind === 'present' ? null : filter);
  }
  const column = name === undefined ? undefined : (resourceType === 'User' ? USER_COLUMNS : GROUP_COLUMNS).get(name);
  if (!column) return UNDECIDED;
  if (filter.kind === 'present') {
    return { where: { sql: column.nullable ? `(${column.sql} IS NOT NULL AND ${column.sql} <> '')` : `${column.sql} <> ''`, params: [] }, exact: true };
  }
  return compare(column, filter.operator, filter.value);
}

/** The lower-cased dotted name of a path in the resource type's core schema, or undefined for extension paths. */
function columnName(path: AttributePath, resourceType: ResourceTypeName): string | undefined {
  if (path.uri !== undefined && path.uri.toLowerCase() !== `urn:ietf:params:scim:schemas:core:2.0:${resourceType.toLowerCase()}`) return undefined;
  return (path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute).toLowerCase();
}

function compare(column: Column, operator: CompareOperator, value: CompareValue): SqlFilter {
  if (value === null) return UNDECIDED;
  if (column.kind === 'time') {
    const instant = typeof value === 'string' ? new Date(value) : null;
    if (!instant || Number.isNaN(instant.getTime())) throw ScimError.badRequest('invalidFilter', `${JSON.stringify(value)} is not a date-time`);
    if (['co', 'sw', 'ew'].includes(operator)) return UNDECIDED;
    return { where: { sql: `${column.sql} ${SQL_OPERATORS[operator]} ?`, params: [sqlTime(instant)] }, exact: true };
  }
  if (typeof value !== 'string') return UNDECIDED;
  const bound = column.keyed ? caseKey(value) : value;
  const guard = (sql: string) => (column.nullable ? `(${column.sql} IS NOT NULL AND ${sql})` : sql);
  switch (operator) {
    case 'co':
    case 'sw':
    case 'ew': {
      const pattern = `${operator === 'sw' ? '' : '%'}${escapeLike(bound)}${operator === 'ew' ? '' : '%'}`;
      // SQLite's LIKE ignores ASCII case: exact on lower-cased key columns, a narrowing elsewhere.
      return { where: { sql: guard(`${column.sql} LIKE ? ESCAPE '!'`), params: [pattern] }, exact: column.keyed };
    }
    case 'ne':
      return { where: { sql: column.nullable ? `(${column.sql} IS NULL OR ${column.sql} <> ?)` : `${column.sql} <> ?`, params: [bound] }, exact: true };
    default:
      return { where: { sql: guard(`${column.sql} ${SQL_OPERATORS[operator]} ?`), params: [bound] }, exact: true };
  }
}

const SQL_OPERATORS: Record<CompareOperator, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=', co: 'LIKE', sw: 'LIKE', ew: 'LIKE' };

/**
 * `emails[type eq "work"].value eq "x"` (Entra’s match) and `emails.value eq "x"`: a lookup in
 * the email rows. Only type and value are in SQL; anything else in the brackets is left to memory.
 */
function emails(typeFilter: Filter | null, valueFilter: Extract<Filter, { kind: 'compare' }> | null): SqlFilter {
  const conditions: string[] = [];
  const params: unknown[] = [];
  let exact = true;
  if (valueFilter) {
    if (valueFilter.operator !== 'eq' || typeof valueFilter.value !== 'string') return UNDECIDED;
    conditions.push('e.valueKey = ?');
    params.push(caseKey(valueFilter.value));
  }
  if (typeFilter) {
    if (typeFilter.kind !== 'compare' || typeFilter.operator !== 'eq' || typeof typeFilter.value !== 'string') exact = false;
    else {
      conditions.push('e.typeKey = ?');
      params.push(caseKey(typeFilter.value));
    }
  }
  // Driven by the email index (valueKey first), not by a walk over the connector's users.
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return { where: { sql: `r.id IN (SELECT e.userId FROM idp_user_emails e${where})`, params }, exact };
}

function members(valueFilter: Extract<Filter, { kind: 'compare' }> | null): SqlFilter {
  if (!valueFilter) return { where: { sql: 'r.id IN (SELECT m.groupId FROM idp_group_members m)', params: [] }, exact: true };
  if (valueFilter.operator !== 'eq' || typeof valueFilter.value !== 'string') {
    throw ScimError.badRequest('invalidFilter', 'a filter on members supports `members.value eq "<id>"` or `members[value eq "<id>"]`');
  }
  return { where: { sql: 'r.id IN (SELECT m.groupId FROM idp_group_members m WHERE m.memberId = ?)', params: [valueFilter.value] }, exact: true };
}

function valuePath(path: AttributePath, inner: Filter, resourceType: ResourceTypeName): SqlFilter {
  const name = columnName(path, resourceType);
  if (resourceType === 'Group' && name === 'members') {
    const value = inner.kind === 'compare' && inner.path.attribute.toLowerCase() === 'value' && !inner.path.subAttribute ? inner : null;
    if (!value) throw ScimError.badRequest('invalidFilter', 'a filter on members supports `members[value eq "<id>"]`');
    return members(value);
  }
  if (resourceType !== 'User' || name !== 'emails') return UNDECIDED;
  // Split `type … and value …` into its two halves; any other shape is left to memory.
  const parts = inner.kind === 'and' ? [inner.left, inner.right] : [inner];
  let typeFilter: Filter | null = null;
  let valueFilter: Extract<Filter, { kind: 'compare' }> | null = null;
  let exact = parts.length <= 2;
  for (const part of parts) {
    const sub = part.kind === 'compare' ? part.path.attribute.toLowerCase() : '';
    if (part.kind === 'compare' && sub === 'value' && !valueFilter) valueFilter = part;
    else if (part.kind === 'compare' && sub === 'type' && !typeFilter) typeFilter = part;
    else exact = false;
  }
  const sql = emails(typeFilter, valueFilter);
  return { where: sql.where, exact: exact && sql.exact && sql.where !== null };
}

function join(parts: SqlCondition[], operator: 'AND' | 'OR'): SqlCondition | null {
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0];
  return { sql: parts.map((part) => `(${part.sql})`).join(` ${operator} `), params: parts.flatMap((part) => part.params) };
}
