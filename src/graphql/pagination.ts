import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { DomainError } from '../domain/errors';

/** The most items one page may hold. */
export const MAX_PAGE = 200;
/** The items of a page whose `first` is left out. */
export const DEFAULT_PAGE = 50;

@ObjectType('PageInfo', { description: 'Where a page stands in its list (Relay).' })
export class PageInfo {
  @Field({ description: 'Whether items follow this page.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the last item; pass it as `after` for the next page.' })
  endCursor: string | null;
}

/** A Relay connection type for `node`: edges with cursors, pageInfo and totalCount. */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `One ${name} with its cursor.` })
  class Edge {
    @Field(() => node, { description: 'The item.' })
    node: T;

    @Field({ description: 'Where the item stands, for `after`.' })
    cursor: string;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class Page {
    @Field(() => [Edge], { description: 'The items of this page, with their cursors.' })
    edges: Edge[];

    @Field(() => PageInfo, { description: 'Whether more follow.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many items the whole list holds.' })
    totalCount: number;
  }
  return Page;
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE) {
    throw new DomainError('INVALID_INPUT', `first must be a whole number from 0 to ${MAX_PAGE}`, { field: 'first' });
  }
  return size;
}

export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/**
 * The parts of an `after` cursor, checked: `length` strings, each of which `valid` accepts at its
 * position (a line id must be a whole number, a time must parse). Anything else is
 * BAD_USER_INPUT on `after`, never a statement with a nonsense key.
 */
export function decodeCursor(cursor: string | null | undefined, length: number, valid: (part: string, index: number) => boolean = () => true): string[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === length && parts.every((part, index) => typeof part === 'string' && valid(part, index))) return parts;
  } catch {
    // Falls through to the error below.
  }
  throw new DomainError('INVALID_INPUT', 'after is not a cursor of this list', { field: 'after' });
}

/** For decodeCursor: a row id that is a whole number. */
export const wholeNumberPart = (part: string): boolean => Number.isSafeInteger(Number(part));

/** A connection from a page of domain items: each mapped to its node, with a cursor of `key`'s parts. */
export function toConnection<T, N>(
  page: { items: T[]; total: number; hasNext: boolean },
  node: (item: T) => N,
  key: (item: T) => string[],
): { edges: Array<{ node: N; cursor: string }>; totalCount: number; pageInfo: PageInfo } {
  const edges = page.items.map((item) => ({ node: node(item), cursor: encodeCursor(key(item)) }));
  return { edges, totalCount: page.total, pageInfo: { hasNextPage: page.hasNext, endCursor: edges.at(-1)?.cursor ?? null } };
}
