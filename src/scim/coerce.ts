import { findAttribute, RESOURCE_TYPE_SCHEMAS, type AttributeDefinition, type ResourceTypeName } from './schema/definitions';

/**
 * Entra sends booleans as the strings "True" and "False". Wherever the schema says an attribute is
 * a boolean, such a string becomes the boolean it means, so that reads answer real booleans and
 * filters compare them as such. Everything else is kept exactly as sent.
 */
export function coerceValue(value: unknown, definition: AttributeDefinition | undefined): unknown {
  if (!definition) return value;
  if (Array.isArray(value)) return definition.multiValued ? value.map((item) => coerceSingle(item, definition)) : value;
  return coerceSingle(value, definition);
}

function coerceSingle(value: unknown, definition: AttributeDefinition): unknown {
  if (definition.type === 'boolean' && typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    return value;
  }
  if (definition.type === 'complex' && value && typeof value === 'object' && !Array.isArray(value)) {
    return coerceObject(value as Record<string, unknown>, definition.subAttributes ?? []);
  }
  return value;
}

function coerceObject(object: Record<string, unknown>, attributes: readonly AttributeDefinition[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) result[key] = coerceValue(value, findAttribute(attributes, key));
  return result;
}

/** A whole resource: core and common attributes at the top, each known extension under its URN. */
export function coerceResource(resource: Record<string, unknown>, resourceType: ResourceTypeName): Record<string, unknown> {
  const { core, extensions } = RESOURCE_TYPE_SCHEMAS[resourceType];
  const result = coerceObject(resource, core.attributes);
  for (const extension of extensions) {
    const key = Object.keys(result).find((candidate) => candidate.toLowerCase() === extension.id.toLowerCase());
    const value = key === undefined ? undefined : result[key];
    if (key !== undefined && value && typeof value === 'object' && !Array.isArray(value)) {
      result[key] = coerceObject(value as Record<string, unknown>, extension.attributes);
    }
  }
  return result;
}

