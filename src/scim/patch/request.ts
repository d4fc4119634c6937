/**
 * The PatchOp message of RFC 7644 §3.5.2, read from a request body into operations whose paths
 * are parsed, so that applying them never meets a malformed message.
 */
import { ScimError } from '../errors';
import type { PatchPath } from '../filter/ast';
import { parsePatchPath } from '../filter/parse';
import { attribute, isObject } from '../resource';

const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Entra sends member changes in batches of a few hundred; this bounds the work one request can ask for. */
const MAX_OPERATIONS = 1000;

export type PatchOp = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  op: PatchOp;
  /** null when the operation had no path: the value's keys are then the paths. */
  path: PatchPath | null;
  /** The path as sent, for messages. */
  pathText: string | null;
  value: unknown;
}

const OPS: readonly PatchOp[] = ['add', 'remove', 'replace'];

/**
 * Validates a PatchOp message: `schemas` must list the PatchOp URN when present, `Operations` must
 * be a non-empty array of at most MAX_OPERATIONS, `op` is any of add, remove, replace in any letter
 * case (Entra writes "Add"), and add and replace carry a value. A malformed message is an
 * invalidSyntax, a malformed path an invalidPath.
 */
export function readPatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw syntax('the body must be a JSON object');
  const schemas = attribute(body, 'schemas');
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.some((schema) => typeof schema === 'string' && sameText(schema, PATCH_OP_SCHEMA)))) {
    throw syntax(`schemas must contain "${PATCH_OP_SCHEMA}"`);
  }
  const operations = attribute(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw syntax('Operations must be a non-empty array');
  if (operations.length > MAX_OPERATIONS) throw syntax(`Operations holds ${operations.length} operations; at most ${MAX_OPERATIONS} are accepted`);
  return operations.map(readOperation);
}

function readOperation(operation: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isObject(operation)) throw syntax(`${where} must be an object`);
  const name = attribute(operation, 'op');
  const op = typeof name === 'string' ? OPS.find((candidate) => sameText(candidate, name)) : undefined;
  if (op === undefined) throw syntax(`${where}.op must be "add", "remove" or "replace", not ${JSON.stringify(name) ?? 'missing'}`);
  const value = attribute(operation, 'value');
  if (op !== 'remove' && value === undefined) throw ScimError.badRequest('invalidValue', `${where}: "${op}" needs a value`);
  const pathText = attribute(operation, 'path');
  // Some clients write `"path": null` for "no path".
  if (pathText === undefined || pathText === null) return { op, path: null, pathText: null, value };
  if (typeof pathText !== 'string') throw ScimError.badRequest('invalidPath', `${where}.path must be a string`);
  return { op, path: readPath(pathText), pathText, value };
}

/** A PATCH path, or a key of a path-less value; errors name the text, as a message may hold many. */
export function readPath(text: string): PatchPath {
  try {
    return parsePatchPath(text);
  } catch (error) {
    if (error instanceof ScimError) throw ScimError.badRequest('invalidPath', `${JSON.stringify(text.slice(0, 100))}: ${error.message}`);
    throw error;
  }
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function syntax(detail: string): ScimError {
  return ScimError.badRequest('invalidSyntax', detail);
}
