/**
 * RFC 7644 §3.5.2 PATCH over a SCIM resource held as JSON, with what Entra ID sends beyond the
 * RFC: filtered paths that create the element they name, dotted and URN keys in a path-less value,
 * the manager as a bare id, booleans as strings. Operations apply in order to a working copy and
 * the first failure throws, so the caller writes all of a PATCH or nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import { coerceResource } from '../coerce';
import { ScimError } from '../errors';
import type { Filter, PatchPath } from '../filter/ast';
import { attribute, isObject, type Json } from '../resource';
import { findAttribute, type AttributeDefinition, type ResourceTypeName } from '../schema/definitions';
import { attributePlace, deleteKey, elementMatches, holderOf, put, removeExtension, sameText, schemaPlace, type Place } from './place';
import { readPath, type PatchOp, type PatchOperation } from './request';
import { invalidValue, isTrue, shapeAttribute, shapeSingle } from './values';

interface Patch {
  resource: Json;
  resourceType: ResourceTypeName;
}

/** One path and its value: an operation's, or one key of a path-less value. */
interface Step {
  op: PatchOp;
  path: PatchPath;
  text: string;
  value: unknown;
  /** Set for the keys of an extension's object: unqualified names are that extension's. */
  scope?: Place;
}

/** The attribute a step writes, in the object that holds it. */
interface Target {
  holder: Json;
  place: Place;
  name: string;
  definition: AttributeDefinition | undefined;
  text: string;
}

/**
 * Applies `operations` in order to a copy of `resource` (without id and meta; never mutated) and
 * answers the patched copy, with boolean strings coerced where the schema says boolean.
 * Throws a ScimError at the first operation that fails.
 */
export function applyPatch(resource: Json, operations: PatchOperation[], resourceType: ResourceTypeName): Json {
  const patch: Patch = { resource: structuredClone(resource), resourceType };
  for (const { op, path, pathText, value } of operations) {
    // Copied so that the result never shares objects with the request, nor two elements one object.
    const copy = structuredClone(value);
    if (path !== null) {
      applyStep(patch, { op, path, text: pathText ?? path.path.attribute, value: copy });
    } else if (op === 'remove') {
      throw ScimError.badRequest('noTarget', 'a "remove" operation needs a path');
    } else {
      applyKeys(patch, op, copy, undefined);
    }
  }
  return coerceResource(patch.resource, patch.resourceType);
}

/** A path-less add or replace: each key of the value is a path, applied with the key's value. */
function applyKeys(patch: Patch, op: PatchOp, value: unknown, scope: Place | undefined): void {
  if (!isObject(value)) throw invalidValue(`an "${op}" without a path needs an object whose keys are attribute paths`);
  for (const [key, item] of Object.entries(value)) applyStep(patch, { op, path: readPath(key), text: key, value: item, scope });
}

function applyStep(patch: Patch, step: Step): void {
  const schema = schemaPlace(step.path, patch.resource, patch.resourceType);
  if (schema) return applySchema(patch, step, schema);
  if (step.op === 'add' && step.value === null) return;
  // RFC 7643 §2.5: null is "unassigned", so replacing with null removes.
  if (step.op === 'replace' && step.value === null) return applyStep(patch, { ...step, op: 'remove', value: undefined });
  const { path, op } = step;
  const place = step.scope && path.path.uri === undefined ? step.scope : attributePlace(path.path, patch.resource, patch.resourceType);
  const name = path.path.attribute;
  const definition = findAttribute(place.attributes, name);
  const subAttribute = path.path.subAttribute ?? path.subAttribute;
  checkMutability(step.text, definition, subAttribute);
  const holder = holderOf(patch.resource, place, op !== 'remove', patch.resourceType);
  if (holder === undefined) return;
  const target: Target = { holder, place, name, definition, text: step.text };
  const current = attribute(holder, name);
  const multiValued = definition ? definition.multiValued : Array.isArray(current) || (current === undefined && path.valueFilter !== undefined);
  if (path.valueFilter !== undefined && !multiValued) {
    throw ScimError.badRequest('invalidPath', `${step.text}: "[…]" selects values of a multi-valued attribute, and ${name} is not one`);
  }
  // `emails.value` without a filter addresses the sub-attribute of every element.
  if (multiValued && (path.valueFilter !== undefined || subAttribute !== undefined)) {
    return applyToElements(patch, target, op, path.valueFilter, subAttribute, step.value);
  }
  if (subAttribute !== undefined) return applyToSubAttribute(target, op, subAttribute, step.value);
  if (op === 'remove') return removeAttribute(target, step.value);
  writeAttribute(target, op, step.value);
}

/** A bare schema URN: add and replace apply the value's keys inside that schema; remove drops an extension. */
function applySchema(patch: Patch, step: Step, place: Place): void {
  if (step.op === 'remove' || (step.op === 'replace' && step.value === null)) {
    if (place.extension === undefined) throw ScimError.badRequest('mutability', `${step.text}: the core schema cannot be removed`);
    return removeExtension(patch.resource, place.extension);
  }
  if (step.value === null) return;
  // Inside the core schema, unqualified names resolve as at the top of a path-less value.
  applyKeys(patch, step.op, step.value, place.extension === undefined ? undefined : place);
}

/** RFC 7644 §3.5.2: operations must respect mutability; id, meta and User groups are the server's. */
function checkMutability(text: string, definition: AttributeDefinition | undefined, subAttribute: string | undefined): void {
  const sub = subAttribute === undefined ? undefined : findAttribute(definition?.subAttributes, subAttribute);
  if (definition?.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw ScimError.badRequest('mutability', `${text} is read-only`);
  }
}

/**
 * add and replace of a whole attribute. A complex single-valued attribute given an object keeps
 * the sub-attributes the object leaves out (RFC 7644 §3.5.2.1, §3.5.2.3); given a bare string
 * (Entra's manager id) it becomes `{ value }` alone, as the client named a new value, not a change
 * to the old one. add appends to a multi-valued attribute, skipping values already there; replace
 * replaces the list.
 */
function writeAttribute(target: Target, op: 'add' | 'replace', raw: unknown): void {
  const { holder, name, definition, text } = target;
  const current = attribute(holder, name);
  const value = shapeAttribute(raw, definition, text);
  const appends = op === 'add' && (definition ? definition.multiValued : Array.isArray(current));
  if (appends) {
    const list = current === undefined || current === null ? [] : Array.isArray(current) ? [...current] : [current];
    const added = (Array.isArray(value) ? value : [value]).filter((element) => {
      const fresh = !list.some((existing) => isDeepStrictEqual(existing, element));
      if (fresh) list.push(element);
      return fresh;
    });
    demoteOtherPrimaries(list, added, definition);
    return put(holder, name, list);
  }
  const complex = definition ? definition.type === 'complex' && !definition.multiValued : true;
  if (complex && isObject(raw) && isObject(current) && isObject(value)) return merge(current, value);
  put(holder, name, value);
}

/** Sets the given sub-attributes, and drops those given as null (unassigned). */
function merge(into: Json, value: Json): void {
  for (const [key, item] of Object.entries(value)) {
    if (item === null) deleteKey(into, key);
    else put(into, key, item);
  }
}

/**
 * remove of a whole attribute. With a value list on a multi-valued attribute, only the listed
 * values go: an element matches a listed object by its `value` sub-attribute (Entra's
 * `[{"value": "a@x"}]`), anything else by equality.
 */
function removeAttribute(target: Target, listed: unknown): void {
  const { holder, name, definition } = target;
  const current = attribute(holder, name);
  if (listed === undefined || listed === null || !Array.isArray(current)) return deleteKey(holder, name);
  const values = Array.isArray(listed) ? listed : [listed];
  const caseExact = findAttribute(definition?.subAttributes, 'value')?.caseExact ?? false;
  storeList(holder, name, current.filter((element) => !values.some((value) => sameValue(element, value, caseExact))));
}

function sameValue(element: unknown, listed: unknown, caseExact: boolean): boolean {
  const wanted = isObject(listed) ? attribute(listed, 'value') : undefined;
  if (wanted === undefined) return isDeepStrictEqual(element, listed);
  const stored = isObject(element) ? attribute(element, 'value') : undefined;
  if (typeof stored === 'string' && typeof wanted === 'string' && !caseExact) return sameText(stored, wanted);
  return isDeepStrictEqual(stored, wanted);
}

/** `name.givenName`: a sub-attribute of a single-valued complex attribute, created with its parent. */
function applyToSubAttribute(target: Target, op: PatchOp, subAttribute: string, raw: unknown): void {
  const { holder, name, definition, text } = target;
  const parent = attribute(holder, name);
  if (op === 'remove') {
    if (isObject(parent)) deleteKey(parent, subAttribute);
    return;
  }
  if (definition !== undefined && definition.type !== 'complex') throw ScimError.badRequest('invalidPath', `${text}: ${name} has no sub-attributes`);
  const value = shapeSingle(raw, findAttribute(definition?.subAttributes, subAttribute), text);
  if (isObject(parent)) return put(parent, subAttribute, value);
  // A parent stored as something else (a manager kept as a bare id) gives way to an object.
  put(holder, name, { [subAttribute]: value });
}

/**
 * A filtered path (`emails[type eq "work"]`, optionally `.value`), or a sub-attribute of every
 * element. remove drops the matching elements, or their sub-attribute. add and replace write the
 * sub-attribute of each match (without one, add merges the value into each match and replace puts
 * the value in its place); when nothing matches they create the element from the filter's `eq`
 * comparisons, as Entra expects of `emails[type eq "work"].value` on a user without one.
 */
function applyToElements(patch: Patch, target: Target, op: PatchOp, filter: Filter | undefined, subAttribute: string | undefined, raw: unknown): void {
  const { holder, place, name, definition, text } = target;
  const current = attribute(holder, name);
  const list = Array.isArray(current) ? [...current] : current === undefined || current === null ? [] : [current];
  const selected = (element: unknown): element is Json =>
    isObject(element) && (filter === undefined || elementMatches(element, place, name, filter, patch.resourceType));
  const matches = list.filter(selected);
  if (op === 'remove') {
    if (matches.length === 0) return;
    if (subAttribute === undefined) return storeList(holder, name, list.filter((element) => !matches.includes(element)));
    for (const element of matches) deleteKey(element, subAttribute);
    return;
  }
  if (matches.length === 0) {
    // A new element takes the value as an add would, on top of the filter's comparisons.
    const created = writeElement(createdElement(filter, text), 'add', subAttribute, raw, definition, text);
    demoteOtherPrimaries(list, [created], definition);
    return put(holder, name, [...list, created]);
  }
  const written = new Map(matches.map((element) => [element, writeElement(element, op, subAttribute, raw, definition, text)]));
  const result = list.map((element) => (isObject(element) ? written.get(element) : undefined) ?? element);
  demoteOtherPrimaries(result, [...written.values()], definition);
  put(holder, name, result);
}

/** The element after the write: the same object changed, or for a replace without a sub-attribute, the value. */
function writeElement(element: Json, op: 'add' | 'replace', subAttribute: string | undefined, raw: unknown, definition: AttributeDefinition | undefined, text: string): Json {
  const value = structuredClone(raw);
  if (subAttribute !== undefined) {
    put(element, subAttribute, shapeSingle(value, findAttribute(definition?.subAttributes, subAttribute), text));
    return element;
  }
  const shaped = shapeSingle(value, definition, text);
  if (!isObject(shaped)) throw invalidValue(`${text} selects whole values, so its value must be an object`);
  if (op === 'replace') return shaped;
  merge(element, shaped);
  return element;
}

/** The element a filter of `eq` comparisons joined by `and` describes; otherwise nothing says what to create. */
function createdElement(filter: Filter | undefined, text: string): Json {
  const element: Json = {};
  if (filter === undefined) return element;
  const assign = (part: Filter): boolean => {
    if (part.kind === 'and') return assign(part.left) && assign(part.right);
    if (part.kind !== 'compare' || part.operator !== 'eq' || part.value === null) return false;
    put(element, part.path.attribute, part.value);
    return true;
  };
  if (!assign(filter)) {
    throw ScimError.badRequest('noTarget', `${text}: no value matches, and only a filter of "eq" comparisons joined by "and" says what value to create`);
  }
  return element;
}

/**
 * RFC 7644 §3.5.2: a PATCH that makes one value primary makes the others not primary, so that
 * at most one stays primary.
 */
function demoteOtherPrimaries(list: unknown[], written: readonly unknown[], definition: AttributeDefinition | undefined): void {
  if (!findAttribute(definition?.subAttributes, 'primary')) return;
  if (!written.some((element) => isObject(element) && isTrue(attribute(element, 'primary')))) return;
  for (const element of list) {
    if (!written.includes(element) && isObject(element) && isTrue(attribute(element, 'primary'))) put(element, 'primary', false);
  }
}

/** RFC 7644 §3.5.2.2: a multi-valued attribute left without values is unassigned. */
function storeList(holder: Json, name: string, list: unknown[]): void {
  if (list.length === 0) deleteKey(holder, name);
  else put(holder, name, list);
}
