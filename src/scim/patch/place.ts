/**
 * Where a PATCH path points inside a resource held as JSON: the top level (core and common
 * attributes) or the object an extension keeps under its schema URN. Names match stored keys in
 * any letter case; a key the patch creates is written as the client wrote it.
 */
import { ScimError } from '../errors';
import type { AttributePath, Filter, PatchPath } from '../filter/ast';
import { matchesFilter } from '../filter/evaluate';
import { attribute, isObject, keyOf, type Json } from '../resource';
import { COMMON_ATTRIBUTES, findAttribute, RESOURCE_TYPE_SCHEMAS, type AttributeDefinition, type ResourceTypeName } from '../schema/definitions';

export interface Place {
  /** The schema URN under which the extension's object is kept; undefined for the top level. */
  extension?: string;
  /** What the place's schema defines; empty for an extension the resource type does not know. */
  attributes: readonly AttributeDefinition[];
}

export function topLevel(resourceType: ResourceTypeName): Place {
  return { attributes: [...COMMON_ATTRIBUTES, ...RESOURCE_TYPE_SCHEMAS[resourceType].core.attributes] };
}

function extensionPlace(uri: string, resourceType: ResourceTypeName): Place {
  const known = RESOURCE_TYPE_SCHEMAS[resourceType].extensions.find((extension) => sameText(extension.id, uri));
  return { extension: uri, attributes: known?.attributes ?? [] };
}

/**
 * The place a bare schema URN names, as a path (`urn:…:enterprise:2.0:User`) or a path-less key.
 * The grammar reads it as the attribute `User` of the schema `urn:…:enterprise:2.0`, so it is
 * recognised by name: the resource type's schemas, those the resource lists in `schemas`, and
 * URN keys already holding an object.
 */
export function schemaPlace(path: PatchPath, resource: Json, resourceType: ResourceTypeName): Place | undefined {
  const { uri, attribute: name, subAttribute } = path.path;
  if (uri === undefined || subAttribute !== undefined || path.valueFilter !== undefined) return undefined;
  const text = `${uri}:${name}`;
  if (sameText(text, RESOURCE_TYPE_SCHEMAS[resourceType].core.id)) return topLevel(resourceType);
  const schemas = attribute(resource, 'schemas');
  const listed = Array.isArray(schemas) && schemas.some((schema) => typeof schema === 'string' && sameText(schema, text));
  const known = RESOURCE_TYPE_SCHEMAS[resourceType].extensions.some((extension) => sameText(extension.id, text));
  return known || listed || isObject(attribute(resource, text)) ? extensionPlace(text, resourceType) : undefined;
}

/**
 * The place of an attribute path. A core-URN-qualified path is at the top level, any other URN
 * names an extension. An unqualified name is at the top level when it is stored there or the core
 * schema defines it, else in the extension that holds it or defines it (`manager`, `department`),
 * else at the top level as an attribute no schema defines.
 */
export function attributePlace(path: AttributePath, resource: Json, resourceType: ResourceTypeName): Place {
  const { core, extensions } = RESOURCE_TYPE_SCHEMAS[resourceType];
  const top = topLevel(resourceType);
  if (path.uri !== undefined) return sameText(path.uri, core.id) ? top : extensionPlace(path.uri, resourceType);
  const name = path.attribute;
  if (keyOf(resource, name) !== undefined || findAttribute(top.attributes, name)) return top;
  const holding = Object.keys(resource).find((key) => isUrn(key) && isObject(resource[key]) && keyOf(resource[key] as Json, name) !== undefined);
  if (holding !== undefined) return extensionPlace(holding, resourceType);
  const defining = extensions.find((extension) => findAttribute(extension.attributes, name));
  return defining ? extensionPlace(defining.id, resourceType) : top;
}

/**
 * The object holding the place's attributes. A missing extension object is created when asked,
 * and its URN listed in `schemas`, as RFC 7643 §3 wants for every extension a resource uses.
 */
export function holderOf(resource: Json, place: Place, create: boolean, resourceType: ResourceTypeName): Json | undefined {
  if (place.extension === undefined) return resource;
  const key = keyOf(resource, place.extension);
  const current = key === undefined ? undefined : resource[key];
  if (isObject(current)) return current;
  if (!create) return undefined;
  const created: Json = {};
  resource[key ?? place.extension] = created;
  const schemas = attribute(resource, 'schemas');
  if (schemas === undefined) {
    resource.schemas = [RESOURCE_TYPE_SCHEMAS[resourceType].core.id, place.extension];
  } else if (Array.isArray(schemas) && !schemas.some((schema) => typeof schema === 'string' && sameText(schema, place.extension!))) {
    schemas.push(place.extension);
  }
  return created;
}

/** Drops an extension's object and its URN from `schemas`. */
export function removeExtension(resource: Json, uri: string): void {
  deleteKey(resource, uri);
  const schemas = attribute(resource, 'schemas');
  if (Array.isArray(schemas)) put(resource, 'schemas', schemas.filter((schema) => !(typeof schema === 'string' && sameText(schema, uri))));
}

/**
 * Whether one element of the multi-valued attribute `name` passes a `[…]` filter, by the filter
 * evaluator's rules (a sub-attribute's caseExact included). A filter the schema rules out is a
 * fault of the PATCH path, hence invalidPath.
 */
export function elementMatches(element: Json, place: Place, name: string, filter: Filter, resourceType: ResourceTypeName): boolean {
  const uri = place.extension ?? RESOURCE_TYPE_SCHEMAS[resourceType].core.id;
  const probe: Json = place.extension === undefined ? { [name]: [element] } : { [place.extension]: { [name]: [element] } };
  try {
    return matchesFilter(probe, { kind: 'valuePath', path: { uri, attribute: name }, filter }, resourceType);
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') throw ScimError.badRequest('invalidPath', error.message);
    throw error;
  }
}

/** Sets `name` under the key that already names it in any letter case, or under `name` itself. */
export function put(object: Json, name: string, value: unknown): void {
  object[keyOf(object, name) ?? name] = value;
}

export function deleteKey(object: Json, name: string): void {
  const key = keyOf(object, name);
  if (key !== undefined) delete object[key];
}

export function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isUrn(key: string): boolean {
  return key.toLowerCase().startsWith('urn:');
}
