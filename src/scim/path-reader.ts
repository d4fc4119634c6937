import type { PathReader } from '../policy/mapping';
import type { AttributePath } from './filter/ast';
import { matchesFilter } from './filter/evaluate';
import { parsePatchPath } from './filter/parse';
import { attribute, isObject, Json } from './resource';
import { RESOURCE_TYPE_SCHEMAS } from './schema/definitions';

const CORE_USER = RESOURCE_TYPE_SCHEMAS.User.core.id.toLowerCase();

/** The object that holds `path`'s attribute: the resource, or the extension object named by its URN. */
function container(resource: Json, path: AttributePath): Json | undefined {
  if (path.uri !== undefined && path.uri.toLowerCase() !== CORE_USER) {
    const extension = attribute(resource, path.uri);
    return isObject(extension) ? extension : undefined;
  }
  if (path.uri !== undefined || attribute(resource, path.attribute) !== undefined) return resource;
  // `manager`, `department`: unqualified names of the enterprise extension.
  return Object.keys(resource)
    .filter((key) => key.toLowerCase().startsWith('urn:'))
    .map((key) => resource[key])
    .find((value): value is Json => isObject(value) && attribute(value, path.attribute) !== undefined);
}

/**
 * Reads SCIM attribute paths out of a user resource for attribute mappings:
 * `name.givenName`, `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:department`.
 * A list of one value reads as that value.
 */
export const scimPathReader: PathReader = {
  parse: parsePatchPath,
  read(resource, patchPath) {
    const { path, valueFilter, subAttribute } = patchPath;
    const holder = container(resource, path);
    let value = holder === undefined ? undefined : attribute(holder, path.attribute);
    if (valueFilter) {
      const elements = Array.isArray(value) ? value : value === undefined ? [] : [value];
      value = elements.filter((element) =>
        matchesFilter({ [path.attribute]: [element] }, { kind: 'valuePath', path: { attribute: path.attribute }, filter: valueFilter }, 'User'),
      );
    }
    const sub = subAttribute ?? path.subAttribute;
    if (sub !== undefined) {
      const read = (item: unknown) => (isObject(item) ? attribute(item, sub) : undefined);
      value = Array.isArray(value) ? value.map(read).filter((item) => item !== undefined) : read(value);
    }
    return Array.isArray(value) && value.length === 1 ? value[0] : value;
  },
};
