import { fitsNameColumn, NAME_LENGTH } from '../db/columns';
import { ScimError } from './errors';

export type Json = Record<string, unknown>;

/** Attributes the server owns: whatever a client sends for them is dropped (RFC 7643 §3.1). */
const SERVER_OWNED = ['id', 'meta'];
/** Never stored: this service does not authenticate users, and a password at rest is a liability. */
const NEVER_STORED = ['password'];

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key of `object` that names `name`, in whatever letter case it was written. */
export function keyOf(object: Json, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export function attribute(object: Json, name: string): unknown {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

/** The body of a create or replace, as the resource to store: an object, without server-owned attributes. */
export function writableResource(body: unknown): Json {
  if (!isObject(body)) throw ScimError.badRequest('invalidSyntax', 'the body must be a JSON object');
  const resource: Json = {};
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (SERVER_OWNED.includes(lower) || NEVER_STORED.includes(lower)) continue;
    resource[key] = value;
  }
  return resource;
}

/** The same resource without server-owned attributes, after a PATCH may have tried to set them. */
export function withoutServerOwned(resource: Json): Json {
  return writableResource(resource);
}

export function requiredString(resource: Json, name: string): string {
  const value = attribute(resource, name);
  if (typeof value !== 'string' || value.trim() === '') throw ScimError.badRequest('invalidValue', `${name} is required and must be a non-empty string`);
  return checkedLength(value, name);
}

export function optionalString(resource: Json, name: string): string | null {
  const value = attribute(resource, name);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw ScimError.badRequest('invalidValue', `${name} must be a string`);
  return checkedLength(value, name);
}

/** An indexed value fits its column, and so does its case-folded key. */
export function checkedLength(value: string, name: string): string {
  if (value.length > NAME_LENGTH) throw ScimError.badRequest('invalidValue', `${name} must be at most ${NAME_LENGTH} characters`);
  if (!fitsNameColumn(value)) throw ScimError.badRequest('invalidValue', `${name} must be at most ${NAME_LENGTH} characters once its letter case is folded (NFC, lowercase)`);
  return value;
}

/**
 * What a stored resource may hold, beyond what its indexed attributes check (NAME_LENGTH): the
 * resource is kept as JSON and read back, patched and projected on every request, so its size
 * is bounded in every direction, on both databases alike, before either sees it.
 */
export const MAX_RESOURCE_DEPTH = 16;
export const MAX_TEXT_LENGTH = 10_000;
/** Entries of one multi-valued attribute (emails, phoneNumbers, addresses, …); a Group's members are rows and not counted here. */
export const MAX_VALUES = 100;

/**
 * Refuses a resource over the limits above with invalidValue naming the attribute. Walks with its
 * own stack: a PATCH may have nested what it was given under what the resource had.
 */
export function checkLimits(resource: Json): Json {
  const stack: Array<[value: unknown, path: string, depth: number]> = [[resource, '', 1]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string' && value.length > MAX_TEXT_LENGTH) {
      throw ScimError.badRequest('invalidValue', `${path} is longer than ${MAX_TEXT_LENGTH} characters`);
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_RESOURCE_DEPTH) throw ScimError.badRequest('invalidValue', `${path} nests deeper than a resource may (${MAX_RESOURCE_DEPTH} levels)`);
    if (Array.isArray(value)) {
      if (value.length > MAX_VALUES) throw ScimError.badRequest('invalidValue', `${path} has ${value.length} values; an attribute holds at most ${MAX_VALUES}`);
      value.forEach((item, index) => stack.push([item, `${path}[${index}]`, depth + 1]));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const named = path === '' ? key : `${path}.${key}`;
      if (key.length > NAME_LENGTH) throw ScimError.badRequest('invalidValue', `the attribute name ${named.slice(0, 80)}… is longer than ${NAME_LENGTH} characters`);
      stack.push([item, named, depth + 1]);
    }
  }
  return resource;
}

/** `schemas` as sent, or the core schema when the client sent none. */
export function withSchemas(resource: Json, coreSchema: string): Json {
  return attribute(resource, 'schemas') === undefined ? { schemas: [coreSchema], ...resource } : resource;
}
