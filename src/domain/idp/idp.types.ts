import type { EntityManager } from 'typeorm';
import type { JsonObject } from '../../db/columns';
import type { TransactionScope } from '../../db/transactions';
import type { RequestContext } from '../context';

/** An IdP user as stored: the resource exactly as the IdP wrote it, with the server's id and version. */
export interface IdpUserRecord {
  id: string;
  connectorId: string;
  externalId: string | null;
  userName: string;
  displayName: string | null;
  active: boolean;
  resource: JsonObject;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface IdpEmail {
  /** Lower-cased, or null when the element has no type. */
  typeKey: string | null;
  /** Lower-cased. */
  valueKey: string;
  primary: boolean;
}

/** What a create, replace or patch of a user stores: the resource and the copies that queries need. */
export interface IdpUserWrite {
  resource: JsonObject;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  emails: IdpEmail[];
}

export interface IdpGroupRecord {
  id: string;
  connectorId: string;
  externalId: string | null;
  displayName: string;
  /** Every attribute the IdP wrote but members. */
  resource: JsonObject;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type IdpMemberType = 'User' | 'Group';

export interface IdpMember {
  id: string;
  type: IdpMemberType;
}

export interface IdpGroupWrite {
  resource: JsonObject;
  displayName: string;
  externalId: string | null;
}

/**
 * How a group's members change: only the listed members are touched, so a change costs
 * O(changed members). `replaceWith` replaces the whole list (a PUT, or a PATCH replace of members).
 */
export interface MemberChange {
  add: string[];
  remove: string[];
  replaceWith?: string[];
}

/** A parameterised SQL condition over one IdP table, aliased `r`. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** The SQL columns a list may sort on. */
export type IdpSortColumn = 'id' | 'userName' | 'displayName' | 'externalId' | 'createdAt' | 'updatedAt';

export interface IdpListQuery {
  /** Narrows the rows in SQL; null reads all of the connector's. */
  where: SqlCondition | null;
  /** What SQL cannot decide, checked on each row SQL answered; null when SQL decides it all. */
  matches: ((resource: JsonObject, record: { id: string; createdAt: Date; updatedAt: Date; version: number }) => boolean) | null;
  sort: { column: IdpSortColumn; descending: boolean } | null;
  /** 0-based. */
  offset: number;
  limit: number;
}

export interface IdpPage<T> {
  total: number;
  items: T[];
}

/**
 * What one IdP write changed, for the application directory to follow in the same transaction.
 * The IdP services say what they changed; reconciliation (domain/sync) decides what it means.
 */
export interface IdpChange {
  /** The connector's settingsVersion, when the write read it already (with its row lock). */
  settingsVersion?: number;
  /** Users the write created: everything about them is here, nothing needs reading. */
  created?: IdpUserRecord[];
  /** Users whose attributes the write changed, as they were and as they are. */
  changed?: Array<{ before: IdpUserRecord; after: IdpUserRecord }>;
  /** Users the write is deleting (told before their rows go). */
  deleted?: string[];
  /** A group's members changed: who joined it and who left it (ids of IdP members). */
  members?: { group: string; joined: string[]; left: string[] };
  /** Users whose groups changed otherwise (a rename), and the names of the groups concerned. */
  regrouped?: { groupNames: string[]; userIds: string[] };
  /**
   * What the listener's read-ahead statement answered, read with the write's lock: readAhead's
   * rows for the users changed or deleted, or readAheadMembers' or readAheadGroupMembers' for the
   * members `named`.
   */
  ahead?: { users: unknown[] } | { members: unknown[]; named: string[] };
}

export interface IdpChangeListener {
  /**
   * The statement that follow() would send to read what it needs of these IdP users when a write
   * changes or deletes them. The write sends it with its lock, in that round trip, and hands its
   * rows to follow() as `ahead`.
   */
  readAhead(idpUserIds: string[]): [sql: string, params: unknown[]];
  /** The same for a member change of an IdP group that names these members. */
  readAheadMembers(idpGroupId: string, memberIds: string[]): [sql: string, params: unknown[]];
  /** The same for the users that are members of an IdP group, when all of them leave it (the group's delete). */
  readAheadGroupMembers(idpGroupId: string): [sql: string, params: unknown[]];
  /** Runs inside the write's transaction: a failure here rolls the IdP write back too. */
  follow(ctx: RequestContext, manager: EntityManager, scope: TransactionScope, connectorId: string, change: IdpChange): Promise<void>;
}
