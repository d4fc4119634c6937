import { NAME_LENGTH } from '../db/columns';
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

function checkedLength(value: string, name: string): string {
  if (value.length > NAME_LENGTH) throw ScimError.badRequest('invalidValue', `${name} must be at most ${NAME_LENGTH} characters`);
  return value;
}

/** `schemas` as sent, or the core schema when the client sent none. */
export function withSchemas(resource: Json, coreSchema: string): Json {
  return attribute(resource, 'schemas') === undefined ? { schemas: [coreSchema], ...resource } : resource;
}
