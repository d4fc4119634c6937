/**
 * PATCH of a group's `members`. Members are rows of their own, never a JSON list, and Entra sends
 * them only as deltas that it never reads back, so member operations fold into one change that
 * costs O(changed members): the current members are read only for a filter that is not just ids.
 */
import type { IdpMember, MemberChange } from '../../domain/idp/idp.types';
import { ScimError } from '../errors';
import type { AttributePath, Filter } from '../filter/ast';
import { attribute, isObject, type Json } from '../resource';
import { GROUP_SCHEMA_ID } from '../schema/definitions';
import { elementMatches, sameText, topLevel } from './place';
import { readPath, type PatchOperation } from './request';
import { invalidValue } from './values';

/**
 * Separates the operations on `members` from those on the group's other attributes. A path-less
 * add or replace whose value has a `members` key (also inside the core schema's URN key) gives
 * that key to a member operation and keeps the other keys for the group.
 */
export function splitGroupOperations(operations: PatchOperation[]): { resourceOperations: PatchOperation[]; memberOperations: PatchOperation[] } {
  const resourceOperations: PatchOperation[] = [];
  const memberOperations: PatchOperation[] = [];
  for (const operation of operations) {
    if (operation.path !== null) {
      (isMembersPath(operation.path.path) ? memberOperations : resourceOperations).push(operation);
    } else if (operation.op === 'remove' || !isObject(operation.value)) {
      // Malformed for a path-less operation: applyPatch says why.
      resourceOperations.push(operation);
    } else {
      const { rest, members } = withoutMembers(operation.value);
      for (const [key, value] of members) memberOperations.push({ op: operation.op, path: readPath(key), pathText: key, value });
      if (members.length === 0 || Object.keys(rest).length > 0) resourceOperations.push({ ...operation, value: rest });
    }
  }
  return { resourceOperations, memberOperations };
}

/** The keys of a path-less value that name `members`, and the value without them. */
function withoutMembers(value: Json): { rest: Json; members: Array<[string, unknown]> } {
  const rest: Json = {};
  const members: Array<[string, unknown]> = [];
  for (const [key, item] of Object.entries(value)) {
    if (sameText(key, GROUP_SCHEMA_ID) && isObject(item)) {
      const inner = withoutMembers(item);
      members.push(...inner.members);
      if (Object.keys(inner.rest).length > 0) rest[key] = inner.rest;
    } else if (isMembersPath(readPath(key).path)) {
      members.push([key, item]);
    } else {
      rest[key] = item;
    }
  }
  return { rest, members };
}

function isMembersPath(path: AttributePath): boolean {
  return sameText(path.attribute, 'members') && (path.uri === undefined || sameText(path.uri, GROUP_SCHEMA_ID));
}

/**
 * Folds member operations, in order, into their net effect: ids to add and remove, or the whole
 * new list (`replaceWith`) after a replace of members or a remove of all of them. Answers null when
 * there is nothing to change. `members()` is called, once, only for a remove or replace whose
 * filter is not `value eq "<id>"` (or such comparisons joined by `or`).
 */
export async function memberChange(memberOperations: PatchOperation[], members: () => Promise<IdpMember[]>): Promise<MemberChange | null> {
  const fold = new MemberFold(members);
  for (const operation of memberOperations) await fold.apply(operation);
  return fold.change();
}

/**
 * The ids that the values of `memberOperations` name (members added, or removed by value), read
 * leniently before the group is (memberChange refuses malformed values later), so that what the
 * change needs of them can be read with the group's lock.
 */
export function namedMemberIds(memberOperations: PatchOperation[]): string[] {
  return memberOperations.flatMap(({ value }) => {
    if (value === null || value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).flatMap((member) => memberId(member) ?? []);
  });
}

class MemberFold {
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();
  /** Once set, the whole new list; `added` and `removed` then stay empty. */
  private replaceWith: Set<string> | null = null;
  private stored: Promise<IdpMember[]> | undefined;

  constructor(private readonly load: () => Promise<IdpMember[]>) {}

  async apply({ op, path, pathText, value }: PatchOperation): Promise<void> {
    const text = pathText ?? 'members';
    if (path === null || !isMembersPath(path.path)) throw invalidPath(`not an operation on members: ${pathText ?? 'no path'}`);
    if (path.path.subAttribute !== undefined || path.subAttribute !== undefined) {
      throw invalidPath(`${text}: members are added and removed whole; their sub-attributes cannot be changed`);
    }
    const filter = path.valueFilter;
    if (op === 'add') {
      if (filter !== undefined) throw invalidPath(`${text}: members are added with the path "members", without a filter`);
      if (value !== null) this.add(memberIds(value, text));
    } else if (filter !== undefined) {
      // The selected members go; a replace brings the value's members in their place.
      this.remove(valueIds(filter) ?? (await this.matching(filter)));
      if (op === 'replace' && value !== null) this.add(memberIds(value, text));
    } else if (op === 'replace') {
      this.replace(value === null ? [] : memberIds(value, text));
    } else if (value === undefined || value === null) {
      this.replace([]);
    } else {
      // Entra's remove with a value list: only the listed members go, never the whole group.
      this.remove(memberIds(value, text));
    }
  }

  change(): MemberChange | null {
    if (this.replaceWith) return { add: [], remove: [], replaceWith: [...this.replaceWith] };
    if (this.added.size === 0 && this.removed.size === 0) return null;
    return { add: [...this.added], remove: [...this.removed] };
  }

  private replace(ids: string[]): void {
    this.replaceWith = new Set(ids);
    this.added.clear();
    this.removed.clear();
  }

  private add(ids: string[]): void {
    for (const id of ids) {
      if (this.replaceWith) {
        this.replaceWith.add(id);
      } else {
        this.removed.delete(id);
        this.added.add(id);
      }
    }
  }

  private remove(ids: string[]): void {
    for (const id of ids) {
      if (this.replaceWith) {
        this.replaceWith.delete(id);
      } else {
        this.added.delete(id);
        this.removed.add(id);
      }
    }
  }

  /** The members, as the operations so far leave them, that pass `filter`. */
  private async matching(filter: Filter): Promise<string[]> {
    this.stored ??= this.load();
    const stored = await this.stored;
    const types = new Map(stored.map((member) => [member.id, member.type]));
    const current = this.replaceWith ?? new Set([...stored.map((member) => member.id).filter((id) => !this.removed.has(id)), ...this.added]);
    const place = topLevel('Group');
    return [...current].filter((id) => {
      const type = types.get(id);
      return elementMatches({ value: id, ...(type === undefined ? {} : { type }) }, place, 'members', filter, 'Group');
    });
  }
}

/** The ids a filter names when it is `value eq "<id>"`, or such comparisons joined by `or`; null otherwise. */
function valueIds(filter: Filter): string[] | null {
  if (filter.kind === 'or') {
    const left = valueIds(filter.left);
    const right = valueIds(filter.right);
    return left && right ? [...left, ...right] : null;
  }
  if (filter.kind !== 'compare' || filter.operator !== 'eq' || typeof filter.value !== 'string') return null;
  return sameText(filter.path.attribute, 'value') && filter.path.subAttribute === undefined ? [filter.value] : null;
}

/** The ids of a members value: a list of `{ "value": "<id>", … }`, or one such object. */
function memberIds(value: unknown, text: string): string[] {
  return (Array.isArray(value) ? value : [value]).map((member) => {
    const id = memberId(member);
    if (id === undefined) throw invalidValue(`${text}: each member must be an object with the member's id as a string "value"`);
    return id;
  });
}

/** A member's id: its `value`, when that is a non-empty string. */
function memberId(member: unknown): string | undefined {
  const id = isObject(member) ? attribute(member, 'value') : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function invalidPath(detail: string): ScimError {
  return ScimError.badRequest('invalidPath', detail);
}
