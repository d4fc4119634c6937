/**
 * RFC 7644 §3.4.2.2 filters over SCIM resources held as JSON, as the IdP wrote them: attribute
 * names in any letter case, extension attributes under their schema URN, unknown attributes kept.
 * The SQL translation must give the same answers; this is the reference it is tested against.
 */
import { ScimError } from '../errors';
import { findAttribute, resolveAttribute, RESOURCE_TYPE_SCHEMAS, type AttributeDefinition, type ResourceTypeName } from '../schema/definitions';
import type { AttributePath, CompareOperator, Filter } from './ast';

type Json = Record<string, unknown>;

/** Where a filter's paths are looked up: the resource, or one element of a multi-valued attribute inside `[…]`. */
interface Scope {
  /** The schema's definition of what the path names; undefined for attributes no schema defines. */
  define(path: AttributePath): AttributeDefinition | undefined;
  /** Every value the path reaches, multi-valued attributes flattened into their elements. */
  values(path: AttributePath): unknown[];
}

/**
 * Whether `resource` passes `filter`. Throws invalidFilter for comparisons the schema rules out
 * (ordering booleans, binaries or complex attributes; `co` with a number…), whatever the resource
 * holds, so a bad filter fails the same way for every resource.
 */
export function matchesFilter(resource: Record<string, unknown>, filter: Filter, resourceType: ResourceTypeName): boolean {
  const scope = resourceScope(resource, resourceType);
  check(filter, scope.define);
  return evaluate(filter, scope);
}

/** The checks matchesFilter makes before evaluating, for callers that evaluate a filter elsewhere (in SQL). */
export function validateFilter(filter: Filter, resourceType: ResourceTypeName): void {
  check(filter, resourceScope({}, resourceType).define);
}

function resourceScope(resource: Json, resourceType: ResourceTypeName): Scope {
  const coreSchemaId = RESOURCE_TYPE_SCHEMAS[resourceType].core.id;
  const containers = (path: AttributePath): Json[] => {
    if (path.uri !== undefined) {
      if (path.uri.toLowerCase() === coreSchemaId.toLowerCase()) return [resource];
      const extension = get(resource, path.uri);
      return isObject(extension) ? [extension] : [];
    }
    if (get(resource, path.attribute) !== undefined) return [resource];
    // An unqualified name that is not at the top level may be an extension's: `manager`, `department`.
    return Object.keys(resource)
      .filter((key) => key.toLowerCase().startsWith('urn:'))
      .map((key) => resource[key])
      .filter(isObject);
  };
  return {
    define: (path) => {
      const resolved = resolveAttribute(resourceType, path);
      return resolved ? (resolved.subAttribute ?? resolved.attribute) : undefined;
    },
    values: (path) => containers(path).flatMap((container) => valuesAt(container, path)),
  };
}

function elementScope(element: Json, parent: AttributeDefinition | undefined): Scope {
  return {
    define: (path) => defineIn(parent, path),
    values: (path) => valuesAt(element, path),
  };
}

function defineIn(parent: AttributeDefinition | undefined, path: AttributePath): AttributeDefinition | undefined {
  const attribute = findAttribute(parent?.subAttributes, path.attribute);
  return path.subAttribute === undefined ? attribute : findAttribute(attribute?.subAttributes, path.subAttribute);
}

function valuesAt(container: Json, path: AttributePath): unknown[] {
  const values = flatten(get(container, path.attribute));
  const { subAttribute } = path;
  if (subAttribute === undefined) return values;
  return values.flatMap((value) => (isObject(value) ? flatten(get(value, subAttribute)) : []));
}

function flatten(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The member named `name` in any letter case: the stored JSON keeps the IdP's (`userName`, `USERNAME`). */
function get(object: Json, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ORDERING: ReadonlySet<CompareOperator> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING: ReadonlySet<CompareOperator> = new Set(['co', 'sw', 'ew']);

function check(filter: Filter, define: Scope['define']): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      check(filter.left, define);
      check(filter.right, define);
      return;
    case 'not':
      check(filter.filter, define);
      return;
    case 'present':
      return;
    case 'valuePath': {
      const parent = define(filter.path);
      check(filter.filter, (path) => defineIn(parent, path));
      return;
    }
    case 'compare': {
      const { operator, value } = filter;
      const definition = define(filter.path);
      const where = `"${operator}" on ${pathText(filter.path)}`;
      if (SUBSTRING.has(operator) && typeof value !== 'string') throw invalid(`${where} needs a string value`);
      if (ORDERING.has(operator)) {
        if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`${where} needs a string or a number value`);
        const type = definition?.type;
        if (type === 'boolean' || type === 'binary' || type === 'complex') throw invalid(`${where}: a ${type} attribute has no order`);
      }
      if (definition?.type === 'dateTime' && !SUBSTRING.has(operator) && typeof value === 'string' && instant(value) === undefined) {
        throw invalid(`${where}: ${JSON.stringify(value)} is not a dateTime such as "2024-05-01T12:00:00Z"`);
      }
      return;
    }
  }
}

function evaluate(filter: Filter, scope: Scope): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluate(filter.left, scope) && evaluate(filter.right, scope);
    case 'or':
      return evaluate(filter.left, scope) || evaluate(filter.right, scope);
    case 'not':
      return !evaluate(filter.filter, scope);
    case 'present':
      return scope.values(filter.path).some(isPresent);
    case 'valuePath': {
      const parent = scope.define(filter.path);
      return scope.values(filter.path).some((element) => isObject(element) && evaluate(filter.filter, elementScope(element, parent)));
    }
    case 'compare': {
      const { operator, value } = filter;
      // `ne` is the negation of `eq`, as in the reference implementations: a resource without the
      // attribute is "not equal", and a multi-valued attribute is "not equal" when no element is.
      if (operator === 'ne') return !evaluate({ ...filter, operator: 'eq' }, scope);
      // RFC 7644 treats null as absence: `eq null` holds when the attribute is not present.
      if (value === null) return !scope.values(filter.path).some(isPresent);
      const definition = scope.define(filter.path);
      return scope.values(filter.path).some((stored) => compare(operator, stored, value, definition));
    }
  }
}

/** pr: present, and neither null, "", [] nor {}. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return !isObject(value) || Object.keys(value).length > 0;
}

function compare(operator: CompareOperator, stored: unknown, value: string | number | boolean, definition: AttributeDefinition | undefined): boolean {
  if (isObject(stored)) {
    // A complex value compared with a literal stands for its `value` sub-attribute (RFC 7643
    // §2.4), as in Entra's `manager eq "<id>"` and `emails co "@contoso.com"`.
    if (ORDERING.has(operator)) return false;
    return compare(operator, get(stored, 'value'), value, findAttribute(definition?.subAttributes, 'value'));
  }
  if (typeof value === 'boolean') return stored === value;
  if (typeof value === 'number') return typeof stored === 'number' && order(operator, stored, value);
  if (typeof stored !== 'string') return false;
  if (definition?.type === 'dateTime' && !SUBSTRING.has(operator)) {
    const left = instant(stored);
    const right = instant(value);
    return left !== undefined && right !== undefined && order(operator, left, right);
  }
  const caseExact = definition?.caseExact ?? false;
  const left = caseExact ? stored : stored.toLowerCase();
  const right = caseExact ? value : value.toLowerCase();
  switch (operator) {
    case 'co':
      return left.includes(right);
    case 'sw':
      return left.startsWith(right);
    case 'ew':
      return left.endsWith(right);
    default:
      return order(operator, left, right);
  }
}

function order<T extends string | number>(operator: CompareOperator, left: T, right: T): boolean {
  switch (operator) {
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
    default:
      return left === right;
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;

/** An xsd:dateTime (RFC 7643 §2.3.5) as milliseconds; one without an offset is taken as UTC, not local time. */
function instant(text: string): number | undefined {
  if (!DATE_TIME.test(text)) return undefined;
  const millis = Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(millis) ? undefined : millis;
}

function pathText(path: AttributePath): string {
  return [path.uri, [path.attribute, path.subAttribute].filter(Boolean).join('.')].filter(Boolean).join(':');
}

function invalid(detail: string): ScimError {
  return ScimError.badRequest('invalidFilter', detail);
}
