/**
 * Values a PATCH writes, shaped and checked against the attribute's definition. Only what is
 * clearly wrong is refused (a userName that is an object, a boolean that is "maybe"); attributes
 * no schema defines are stored as sent. Boolean strings become booleans as they are written, so
 * that an added value is compared with the stored ones as what it means.
 */
import { coerceValue } from '../coerce';
import { ScimError } from '../errors';
import { isObject } from '../resource';
import { findAttribute, type AttributeDefinition } from '../schema/definitions';

/** A whole attribute's value: a list for a multi-valued attribute (a single value becomes one element). */
export function shapeAttribute(value: unknown, definition: AttributeDefinition | undefined, text: string): unknown {
  if (definition === undefined || value === null) return value;
  if (!definition.multiValued) return shapeSingle(value, definition, text);
  return (Array.isArray(value) ? value : [value]).map((element) => shapeSingle(element, definition, text));
}

/**
 * One value: a single-valued attribute's, one element of a multi-valued one's, or a
 * sub-attribute's. A string given for a complex attribute with a `value` sub-attribute stands for
 * that sub-attribute, as Entra sends the manager: `"value": "<id>"` means `{ "value": "<id>" }`.
 */
export function shapeSingle(value: unknown, definition: AttributeDefinition | undefined, text: string): unknown {
  if (definition === undefined || value === null) return value;
  if (definition.type === 'complex' && typeof value === 'string' && findAttribute(definition.subAttributes, 'value')) return { value };
  check(value, definition, text);
  return coerceValue(value, definition);
}

function check(value: unknown, definition: AttributeDefinition, text: string): void {
  if (value === null) return;
  if (Array.isArray(value)) throw invalidValue(`${text} takes a single value, not a list`);
  switch (definition.type) {
    case 'complex':
      if (!isObject(value)) throw invalidValue(`${text} must be an object`);
      for (const [key, item] of Object.entries(value)) {
        const subAttribute = findAttribute(definition.subAttributes, key);
        if (subAttribute) check(item, subAttribute, `${text}.${key}`);
      }
      return;
    case 'boolean':
      if (typeof value === 'boolean' || (typeof value === 'string' && /^(?:true|false)$/i.test(value))) return;
      throw invalidValue(`${text} must be a boolean`);
    case 'integer':
      if (Number.isInteger(value)) return;
      throw invalidValue(`${text} must be an integer`);
    case 'decimal':
      if (typeof value === 'number') return;
      throw invalidValue(`${text} must be a number`);
    default:
      if (typeof value === 'string') return;
      throw invalidValue(`${text} must be a string`);
  }
}

/** true, or "True" in any letter case as Entra sends it. */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

export function invalidValue(detail: string): ScimError {
  return ScimError.badRequest('invalidValue', detail);
}
