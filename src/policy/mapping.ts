import { RE2JS } from 're2js';
import { fitsNameColumn, NAME_LENGTH } from '../db/columns';
import type { MappingTarget, NoMatchAction, Transformation } from '../db/entities/attribute-mapping.entity';
import type { PatchPath } from '../scim/filter/ast';

/**
 * Attribute mapping: a small interpreter, no `eval`. A mapping reads SCIM attribute paths from
 * what the IdP sent (`{name.givenName} {name.familyName}`, `{emails[type eq "work"].value}`),
 * runs ordered transformations over the text, and says what happens when nothing comes out.
 * Every step is bounded: values, lists and the number of steps have limits.
 */

export const MAX_SOURCE_LENGTH = 2000;
export const MAX_TRANSFORMATIONS = 20;
const MAX_VALUE_LENGTH = 10_000;
const MAX_LIST_LENGTH = 1000;

export type MappedValue = string | string[];

/** A mapping as an admin writes it. */
export interface MappingDefinition {
  target: MappingTarget;
  /** The property's name, when target is PROPERTY. */
  property: string | null;
  source: string;
  transformations: Transformation[];
  onNoMatch: NoMatchAction;
}

/** Reads a SCIM path out of a resource; given by the caller so that this module stays free of SCIM parsing. */
export interface PathReader {
  parse(path: string): PatchPath;
  read(resource: Record<string, unknown>, path: PatchPath): unknown;
}

export class MappingError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** One transformation; `resource` is there for steps that read other paths (default with a source). */
type Step = (value: MappedValue, resource: Record<string, unknown>) => MappedValue | undefined;

interface CompiledMapping {
  definition: MappingDefinition;
  /** Literal text and paths, in order. */
  parts: Array<{ text: string } | { path: PatchPath }>;
  steps: Step[];
}

/** What the mappings decide for one user. `undefined` for a target means: keep what the directory has. */
export interface MappedUser {
  userName?: string | null;
  displayName?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  properties: Record<string, string | null>;
  groupNames: string[];
  dropped: boolean;
}

/** `properties` after the mapped ones: a value sets its property, null removes it, and what no mapping names stays. */
export function withMappedProperties(properties: Record<string, string>, mapped: MappedUser['properties']): Record<string, string> {
  const result = { ...properties };
  for (const [name, value] of Object.entries(mapped)) {
    if (value === null) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** The mappings used while a connector has none: the attributes Entra sends, as they are. */
export const DEFAULT_MAPPINGS: MappingDefinition[] = [
  { target: 'USER_NAME', property: null, source: '{userName}', transformations: [], onNoMatch: 'KEEP' },
  { target: 'DISPLAY_NAME', property: null, source: '{displayName}', transformations: [], onNoMatch: 'CLEAR' },
  {
    target: 'EMAIL',
    property: null,
    source: '{emails[type eq "work"].value}',
    transformations: [{ fn: 'default', args: { source: '{emails[primary eq true].value}' } }],
    onNoMatch: 'CLEAR',
  },
  { target: 'FIRST_NAME', property: null, source: '{name.givenName}', transformations: [], onNoMatch: 'CLEAR' },
  { target: 'LAST_NAME', property: null, source: '{name.familyName}', transformations: [], onNoMatch: 'CLEAR' },
];

export class MappingProgram {
  private constructor(
    private readonly mappings: CompiledMapping[],
    private readonly reader: PathReader,
  ) {}

  /** Compiles and checks every mapping; a MappingError names the first problem and its mapping. */
  static compile(definitions: MappingDefinition[], reader: PathReader): MappingProgram {
    const compiled = definitions.map((definition, index) => {
      try {
        return compileOne(definition, reader);
      } catch (error) {
        if (error instanceof MappingError) throw new MappingError(`mapping ${index + 1} (${definition.target}): ${error.reason}`);
        throw error;
      }
    });
    return new MappingProgram(compiled, reader);
  }

  /** Whether a user's attributes can decide its groups: a mapping names groups, or drops users. */
  get decidesGroups(): boolean {
    return this.mappings.some(({ definition }) => definition.target === 'GROUP_NAMES' || definition.onNoMatch === 'DROP_USER');
  }

  run(resource: Record<string, unknown>): MappedUser {
    const result: MappedUser = { properties: {}, groupNames: [], dropped: false };
    for (const mapping of this.mappings) {
      const value = this.evaluate(mapping, resource);
      const { target, property, onNoMatch } = mapping.definition;
      if (value === undefined) {
        if (onNoMatch === 'DROP_USER') result.dropped = true;
        if (onNoMatch !== 'CLEAR') continue;
      }
      const joined = value === undefined ? null : Array.isArray(value) ? value.join(' ') : value;
      const text = joined === null || target === 'PROPERTY' ? joined : fittedToColumn(joined);
      switch (target) {
        case 'USER_NAME':
          result.userName = text;
          break;
        case 'DISPLAY_NAME':
          result.displayName = text;
          break;
        case 'EMAIL':
          result.email = text;
          break;
        case 'FIRST_NAME':
          result.firstName = text;
          break;
        case 'LAST_NAME':
          result.lastName = text;
          break;
        case 'PROPERTY':
          result.properties[property!] = text;
          break;
        case 'GROUP_NAMES':
          // A name its column cannot hold names no group: it is left out rather than cut into another group's name.
          if (value !== undefined) result.groupNames.push(...[value].flat().filter((name) => name !== '' && fitsNameColumn(name)));
          break;
      }
    }
    return result;
  }

  private evaluate(mapping: CompiledMapping, resource: Record<string, unknown>): MappedValue | undefined {
    let value = interpolate(mapping.parts, resource, this.reader);
    for (const step of mapping.steps) {
      value = step(value ?? '', resource);
      if (value === undefined) return undefined;
    }
    return isEmpty(value) ? undefined : value;
  }
}

function compileOne(definition: MappingDefinition, reader: PathReader): CompiledMapping {
  if (definition.target === 'PROPERTY' && !definition.property?.trim()) throw new MappingError('a PROPERTY mapping needs a property name');
  if (definition.transformations.length > MAX_TRANSFORMATIONS) throw new MappingError(`at most ${MAX_TRANSFORMATIONS} transformations`);
  return {
    definition,
    parts: parseTemplate(definition.source, reader),
    steps: definition.transformations.map((transformation) => compileStep(transformation, reader)),
  };
}

/** `{a.b} and {c}`: literal text and paths; `{{` and `}}` stand for braces. */
function parseTemplate(source: string, reader: PathReader): CompiledMapping['parts'] {
  if (source.length > MAX_SOURCE_LENGTH) throw new MappingError(`a source is at most ${MAX_SOURCE_LENGTH} characters`);
  const parts: CompiledMapping['parts'] = [];
  let text = '';
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if ((char === '{' || char === '}') && source[index + 1] === char) {
      text += char;
      index += 1;
    } else if (char === '{') {
      const end = source.indexOf('}', index);
      if (end < 0) throw new MappingError(`the source has a "{" without its "}"`);
      if (text) parts.push({ text });
      text = '';
      const path = source.slice(index + 1, end).trim();
      try {
        parts.push({ path: reader.parse(path) });
      } catch (error) {
        throw new MappingError(`{${path}} is not a SCIM attribute path (${error instanceof Error ? error.message : String(error)})`);
      }
      index = end;
    } else if (char === '}') {
      throw new MappingError('the source has a "}" without its "{"');
    } else {
      text += char;
    }
  }
  if (text) parts.push({ text });
  return parts;
}

/** A lone path keeps a list as a list (for group names); anything else becomes text. */
function interpolate(parts: CompiledMapping['parts'], resource: Record<string, unknown>, reader: PathReader): MappedValue | undefined {
  const values = parts.map((part) => ('text' in part ? part.text : toValue(reader.read(resource, part.path))));
  if (values.length === 1) return values[0];
  // Literal text around paths that are all missing is not a value: `{a}, {b}` with neither gives nothing.
  if (parts.some((part) => 'path' in part) && parts.every((part, index) => 'text' in part || values[index] === undefined)) return undefined;
  return bounded(values.map((value) => (value === undefined ? '' : Array.isArray(value) ? value.join(' ') : value)).join(''));
}

function toValue(raw: unknown): MappedValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) {
    const items = raw.filter((item) => ['string', 'number', 'boolean'].includes(typeof item)).map(String);
    return items.length > 0 ? items.slice(0, MAX_LIST_LENGTH).map(bounded) : undefined;
  }
  if (['string', 'number', 'boolean'].includes(typeof raw)) return bounded(String(raw));
  return undefined;
}

/**
 * A mapped value for a directory column, cut to what the column holds (whole code points): the
 * IdP's resource keeps the whole value, and the directory shows as much as it can.
 */
function fittedToColumn(text: string): string {
  if (fitsNameColumn(text)) return text;
  const points = [...text];
  let length = Math.min(points.length, NAME_LENGTH);
  while (!fitsNameColumn(points.slice(0, length).join(''))) length -= 1;
  return points.slice(0, length).join('');
}

function bounded(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? text.slice(0, MAX_VALUE_LENGTH) : text;
}

function isEmpty(value: MappedValue | undefined): boolean {
  return value === undefined || (Array.isArray(value) ? value.length === 0 : value.trim() === '');
}

/** Applies a text function to a value, or to each element of a list. */
const eachText = (fn: (text: string) => string | undefined): Step => (value) => {
  if (!Array.isArray(value)) return fn(value);
  const mapped = value.map(fn).filter((item): item is string => item !== undefined);
  return mapped.length > 0 ? mapped : undefined;
};

function stringArg(transformation: Transformation, name: string, required = true): string | undefined {
  const value = transformation.args?.[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') throw new MappingError(`${transformation.fn} needs a string "${name}"`);
  return value;
}

function integerArg(transformation: Transformation, name: string, required = true): number | undefined {
  const value = transformation.args?.[name];
  if (value === undefined && !required) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0) throw new MappingError(`${transformation.fn} needs a whole number "${name}" of 0 or more`);
  return value as number;
}

function compileStep(transformation: Transformation, reader: PathReader): Step {
  switch (transformation.fn) {
    case 'lowercase':
      return eachText((text) => text.toLowerCase());
    case 'uppercase':
      return eachText((text) => text.toUpperCase());
    case 'trim':
      return eachText((text) => text.trim());
    case 'stripDomain':
      return eachText((text) => text.replace(/@[^@]*$/, ''));
    case 'substring': {
      const start = integerArg(transformation, 'start')!;
      const length = integerArg(transformation, 'length', false);
      return eachText((text) => text.slice(start, length === undefined ? undefined : start + length));
    }
    case 'regexReplace': {
      const source = stringArg(transformation, 'pattern')!;
      const replacement = stringArg(transformation, 'replacement')!;
      let pattern: RE2JS;
      try {
        pattern = RE2JS.compile(source);
      } catch (error) {
        throw new MappingError(`regexReplace pattern ${JSON.stringify(source)}: ${error instanceof Error ? error.message : String(error)}`);
      }
      // A pattern that does not match means the transformation does not apply: onNoMatch decides.
      return eachText((text) => {
        const matcher = pattern.matcher(text);
        return matcher.find() ? bounded(pattern.matcher(text).replaceAll(replacement)) : undefined;
      });
    }
    case 'split': {
      const separator = stringArg(transformation, 'separator')!;
      if (separator === '') throw new MappingError('split needs a non-empty "separator"');
      const index = integerArg(transformation, 'index', false);
      return (value) => {
        const items = [value].flat().flatMap((text) => text.split(separator)).slice(0, MAX_LIST_LENGTH);
        return index === undefined ? items : items[index];
      };
    }
    case 'join': {
      const separator = stringArg(transformation, 'separator')!;
      return (value) => bounded([value].flat().join(separator));
    }
    case 'default': {
      const literal = stringArg(transformation, 'value', false);
      const source = stringArg(transformation, 'source', false);
      if ((literal === undefined) === (source === undefined)) throw new MappingError('default needs either "value" or "source"');
      const parts = source === undefined ? null : parseTemplate(source, reader);
      return (value, resource) => {
        if (!isEmpty(value)) return value;
        return parts ? interpolate(parts, resource, reader) : literal;
      };
    }
    case 'map': {
      const table = transformation.args?.table;
      if (!table || typeof table !== 'object' || Array.isArray(table) || Object.values(table).some((item) => typeof item !== 'string')) {
        throw new MappingError('map needs a "table" of strings');
      }
      const lookup = new Map(Object.entries(table as Record<string, string>).map(([from, to]) => [from.toLowerCase(), to]));
      const fallback = stringArg(transformation, 'default', false);
      return eachText((text) => lookup.get(text.toLowerCase()) ?? fallback);
    }
    default:
      throw new MappingError(`unknown transformation "${transformation.fn}"`);
  }
}
