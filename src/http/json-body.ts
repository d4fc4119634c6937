import { isUtf8 } from 'node:buffer';

/**
 * Request bodies of both fronts nest at most this deep. Deeper JSON has no use in SCIM or in the
 * admin API, and it is what overflows the stack of every recursive walk after parsing
 * (JSON.stringify, structuredClone, a PATCH), and what MariaDB's JSON columns refuse (from 32).
 */
export const MAX_JSON_DEPTH = 32;

/** Why a body is not JSON this service reads: the fronts answer it in their own form. */
export class JsonBodyError extends Error {}

/**
 * Parses a request body: valid UTF-8 (not silently patched with U+FFFD, which would make two
 * different byte strings one name), JSON, nested at most `maxDepth`, and with every string and
 * key well-formed Unicode (a lone surrogate from a `\ud800` escape is text no database stores
 * alike), and no key `__proto__`. Answers undefined for an empty body.
 */
export function parseJsonBody(bytes: Buffer, maxDepth = MAX_JSON_DEPTH): unknown {
  if (!isUtf8(bytes)) throw new JsonBodyError('the body is not valid UTF-8');
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JsonBodyError('the body is not valid JSON');
  }
  const problem = jsonProblem(value, maxDepth);
  if (problem) throw new JsonBodyError(problem);
  return value;
}

/**
 * What makes a parsed JSON value one this service must not take: nesting deeper than `maxDepth`
 * (objects and arrays; the top level is 1), text that is not well-formed Unicode, a key
 * `__proto__`. Walks
 * with its own stack, so no input can overflow the call stack.
 */
export function jsonProblem(value: unknown, maxDepth: number): string | undefined {
  const stack: Array<[value: unknown, depth: number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item === 'string') {
      if (!item.isWellFormed()) return 'the body holds text that is not valid Unicode (a lone surrogate)';
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    if (depth + 1 > maxDepth) return `the body nests objects and arrays deeper than ${maxDepth} levels`;
    if (Array.isArray(item)) {
      for (const element of item) stack.push([element, depth + 1]);
      continue;
    }
    for (const [key, element] of Object.entries(item)) {
      if (!key.isWellFormed()) return 'the body holds an attribute name that is not valid Unicode (a lone surrogate)';
      // JSON.parse makes it an own key, but the first copy by assignment would set a prototype with it.
      if (key === '__proto__') return 'the body names __proto__, which is no attribute';
      stack.push([element, depth + 1]);
    }
  }
  return undefined;
}
