import type { Projection } from './list-params';

/** Attributes every answer carries, whatever `attributes` says (RFC 7643 returned "always"). */
const ALWAYS = new Set(['id', 'schemas']);

/** One requested name: `emails`, `name.givenName`, `urn:…:User:manager`, `urn:…:User:manager.value`. */
interface NamePath {
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

function parseName(text: string): NamePath {
  const lower = text.toLowerCase();
  let uri: string | undefined;
  let rest = text;
  if (lower.startsWith('urn:')) {
    const colon = text.lastIndexOf(':');
    uri = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const [attribute, subAttribute] = rest.split('.', 2);
  return { uri, attribute, subAttribute };
}

function keyOf(object: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

/** Whether `name` (from the request) names the attribute `key` of the resource, at top level or in an extension. */
function containerFor(resource: Record<string, unknown>, path: NamePath, coreSchema: string): Record<string, unknown> | undefined {
  if (path.uri === undefined || path.uri.toLowerCase() === coreSchema.toLowerCase()) {
    if (path.uri === undefined && keyOf(resource, path.attribute) === undefined) {
      // `manager` without its URN: the enterprise extension's.
      for (const key of Object.keys(resource)) {
        const value = resource[key];
        if (key.toLowerCase().startsWith('urn:') && value && typeof value === 'object' && keyOf(value as Record<string, unknown>, path.attribute)) {
          return value as Record<string, unknown>;
        }
      }
    }
    return resource;
  }
  const key = keyOf(resource, path.uri);
  const value = key === undefined ? undefined : resource[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) to a SCIM representation.
 * Names are matched without regard to case; `id` and `schemas` are always kept.
 */
export function project(resource: Record<string, unknown>, projection: Projection, coreSchema: string): Record<string, unknown> {
  if (projection.attributes.length > 0) {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) result[key] = resource[key];
    for (const name of projection.attributes) copyPath(resource, result, parseName(name), coreSchema);
    return result;
  }
  if (projection.excludedAttributes.length === 0) return resource;
  const result = structuredClone(resource);
  for (const name of projection.excludedAttributes) {
    const path = parseName(name);
    if (ALWAYS.has(path.attribute) && !path.uri && !path.subAttribute) continue;
    const container = containerFor(result, path, coreSchema);
    const key = container && keyOf(container, path.attribute);
    if (!container || key === undefined) continue;
    if (path.subAttribute === undefined) {
      delete container[key];
      continue;
    }
    for (const item of [container[key]].flat()) {
      if (item && typeof item === 'object') {
        const sub = keyOf(item as Record<string, unknown>, path.subAttribute);
        if (sub !== undefined) delete (item as Record<string, unknown>)[sub];
      }
    }
  }
  return result;
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, path: NamePath, coreSchema: string): void {
  const source = containerFor(from, path, coreSchema);
  const key = source && keyOf(source, path.attribute);
  if (!source || key === undefined) return;
  let target = to;
  if (source !== from) {
    const extensionKey = Object.keys(from).find((candidate) => from[candidate] === source)!;
    target = (to[extensionKey] ??= {}) as Record<string, unknown>;
  }
  const value = source[key];
  if (path.subAttribute === undefined) {
    target[key] = value;
    return;
  }
  const pick = (item: unknown) => {
    if (!item || typeof item !== 'object') return undefined;
    const sub = keyOf(item as Record<string, unknown>, path.subAttribute!);
    return sub === undefined ? {} : { [sub]: (item as Record<string, unknown>)[sub] };
  };
  if (Array.isArray(value)) {
    const existing = Array.isArray(target[key]) ? (target[key] as Record<string, unknown>[]) : value.map(() => ({}));
    target[key] = value.map((item, index) => ({ ...existing[index], ...pick(item) }));
  } else if (value && typeof value === 'object') {
    target[key] = { ...(target[key] as Record<string, unknown> | undefined), ...pick(value) };
  }
}

/** True when the projection leaves `attribute` (a top-level core attribute) out of the answer. */
export function excludes(projection: Projection, attribute: string): boolean {
  const lower = attribute.toLowerCase();
  const names = (list: string[]) => list.map((name) => parseName(name).attribute.toLowerCase());
  if (projection.attributes.length > 0) return !names(projection.attributes).includes(lower);
  return projection.excludedAttributes.some((name) => {
    const path = parseName(name);
    return path.attribute.toLowerCase() === lower && path.subAttribute === undefined;
  });
}
