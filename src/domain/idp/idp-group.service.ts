import type { DataSource, EntityManager } from 'typeorm';
import { caseKey, newOrderedId } from '../../db/columns';
import { isUniqueViolation } from '../../db/errors';
import { chunks, insertIgnore, placeholders, readJson, readTime, setChanged, SQL_CHUNK, sqlTime } from '../../db/sql';
import type { Transactions, TransactionScope } from '../../db/transactions';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';
import { listPage } from './idp-list';
import { LockedTable, lockedRow } from './locked';
import type { IdpChangeListener, IdpGroupRecord, IdpGroupWrite, IdpListQuery, IdpMember, IdpMemberType, IdpPage, MemberChange } from './idp.types';

interface GroupRow {
  id: string;
  connectorId: string;
  externalId: string | null;
  displayName: string;
  resource: unknown;
  version: number;
  createdAt: unknown;
  updatedAt: unknown;
}

function readGroup(row: GroupRow): IdpGroupRecord {
  return {
    id: row.id,
    connectorId: row.connectorId,
    externalId: row.externalId,
    displayName: row.displayName,
    resource: readJson(row.resource),
    version: Number(row.version),
    createdAt: readTime(row.createdAt),
    updatedAt: readTime(row.updatedAt),
  };
}

const GROUP_LIST = {
  table: 'idp_groups',
  defaultOrder: 'r.displayNameKey',
  sortColumns: {
    id: 'r.id',
    userName: 'r.displayNameKey',
    displayName: 'r.displayNameKey',
    externalId: 'r.externalId',
    createdAt: 'r.createdAt',
    updatedAt: 'r.updatedAt',
  },
  read: readGroup,
  resource: (group: IdpGroupRecord) => group.resource,
  meta: (group: IdpGroupRecord) => group,
};

/** What a group change decides, from the group's current state. */
export interface GroupChange {
  /** The group's new attributes (members aside); null leaves them as they are. */
  write: IdpGroupWrite | null;
  members: MemberChange | null;
}

/**
 * The groups of the IdP layer. Members are rows of their own: adding or removing members touches
 * only those rows, however large the group.
 */
export class IdpGroupService {
  private readonly locked: LockedTable<GroupRow, IdpGroupRecord>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly directory: IdpChangeListener,
  ) {
    this.locked = { table: 'idp_groups', dialect: dataSource.options.type, read: readGroup, notFound: groupNotFound, noun: 'group' };
  }

  async create(ctx: RequestContext, connectorId: string, write: IdpGroupWrite, memberIds: string[]): Promise<IdpGroupRecord> {
    const now = new Date();
    const record: IdpGroupRecord = { id: newOrderedId(), connectorId, ...write, version: 1, createdAt: now, updatedAt: now };
    try {
      await this.transactions.run(async (manager, scope) => {
        // Deferred, as are the IdP layer's other writes here: they travel with the next statement.
        await scope.defer(
          `INSERT INTO idp_groups (id, connectorId, externalId, displayName, displayNameKey, resource, version, createdAt, updatedAt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            record.id,
            connectorId,
            write.externalId,
            write.displayName,
            caseKey(write.displayName),
            JSON.stringify(write.resource),
            1,
            sqlTime(now),
            sqlTime(now),
          ],
        );
        await this.addMembers(manager, scope, record, memberIds, now);
        if (memberIds.length > 0) {
          await this.directory.follow(ctx, manager, scope, connectorId, { members: { group: record.displayName, joined: memberIds, left: [] } });
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw displayNameTaken(write.displayName);
      throw error;
    }
    return record;
  }

  async find(_ctx: RequestContext, connectorId: string, id: string): Promise<IdpGroupRecord | null> {
    const rows: GroupRow[] = await this.dataSource.query('SELECT * FROM idp_groups WHERE id = ? AND connectorId = ?', [id, connectorId]);
    return rows.length ? readGroup(rows[0]) : null;
  }

  async get(ctx: RequestContext, connectorId: string, id: string): Promise<IdpGroupRecord> {
    const group = await this.find(ctx, connectorId, id);
    if (!group) throw groupNotFound(id);
    return group;
  }

  /**
   * Reads the group (not its members), lets `change` decide what to write, and writes it in one
   * transaction with the group row locked: concurrent member changes to one group all land.
   * `change` may read the members through its second argument when it needs them. `named` names
   * the members the change is expected to add or remove, when the caller knows them before the
   * group is read (a PATCH's operation values): their types, and what the directory will read of
   * them, are read with the lock, in its round trip.
   */
  async modify(
    ctx: RequestContext,
    connectorId: string,
    id: string,
    change: (current: IdpGroupRecord, members: () => Promise<IdpMember[]>) => Promise<GroupChange> | GroupChange,
    ifVersion?: number,
    named: string[] = [],
  ): Promise<IdpGroupRecord> {
    let displayName = '';
    try {
      return await this.transactions.run(async (manager, scope) => {
        const ids = [...new Set(named)].slice(0, SQL_CHUNK);
        const { current, settingsVersion, also } = await lockedRow(
          scope,
          this.locked,
          connectorId,
          id,
          ifVersion,
          ids.length > 0 ? [memberTypesQuery(ids), this.directory.readAheadMembers(id, ids)] : [],
        );
        const types = new MemberTypes();
        if (ids.length > 0) types.add(ids, also[0] as MemberTypeRow[], connectorId);
        const ahead = ids.length > 0 ? { members: also[1], named: ids } : undefined;
        const decided = await change(current, () => this.readMembers(manager, [id]).then((members) => members.get(id) ?? []));
        const now = new Date();
        const write = decided.write ?? current;
        displayName = write.displayName;
        const renamed = write.displayName !== current.displayName;
        // A rename changes every member's groups; a replace, those of the members it drops too.
        const before = renamed || decided.members?.replaceWith ? await this.userMemberIds(manager, id) : [];
        const updated: IdpGroupRecord = {
          ...current,
          displayName: write.displayName,
          externalId: write.externalId,
          resource: write.resource,
          version: current.version + 1,
          updatedAt: now,
        };
        // A member change leaves the group's own columns as they are, and so its indexes.
        const set = setChanged([
          ['externalId', updated.externalId, updated.externalId !== current.externalId],
          ['displayName', updated.displayName, renamed],
          ['displayNameKey', caseKey(updated.displayName), caseKey(updated.displayName) !== caseKey(current.displayName)],
          ['resource', JSON.stringify(updated.resource), decided.write !== null],
          ['version', updated.version, true],
          ['updatedAt', sqlTime(now), true],
        ]);
        await scope.defer(`UPDATE idp_groups SET ${set.sql} WHERE id = ?`, [...set.params, id]);
        if (decided.members) await this.changeMembers(manager, scope, updated, decided.members, now, types);
        if (renamed) {
          const userIds = [...before, ...(decided.members ? [...decided.members.add, ...(decided.members.replaceWith ?? [])] : [])];
          await this.directory.follow(ctx, manager, scope, connectorId, {
            settingsVersion,
            regrouped: { groupNames: [current.displayName, updated.displayName], userIds },
          });
        } else if (decided.members) {
          await this.directory.follow(ctx, manager, scope, connectorId, {
            settingsVersion,
            members: { group: updated.displayName, ...memberDelta(decided.members, before) },
            ahead,
          });
        }
        return updated;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw displayNameTaken(displayName);
      throw error;
    }
  }

  async remove(ctx: RequestContext, connectorId: string, id: string, ifVersion?: number): Promise<void> {
    await this.transactions.run(async (manager, scope) => {
      const { current: group, settingsVersion, also } = await lockedRow(scope, this.locked, connectorId, id, ifVersion, [
        userMembersQuery(id),
        this.directory.readAheadGroupMembers(id),
      ]);
      const members = (also[0] as Array<{ memberId: string }>).map((row) => row.memberId);
      await scope.defer('DELETE FROM idp_group_members WHERE groupId = ? OR memberId = ?', [id, id]);
      await scope.defer('DELETE FROM idp_groups WHERE id = ?', [id]);
      if (members.length > 0) {
        await this.directory.follow(ctx, manager, scope, connectorId, {
          settingsVersion,
          members: { group: group.displayName, joined: [], left: members },
          ahead: { members: also[1], named: members },
        });
      }
    });
  }

  /** The users (not groups) that are members of the group. */
  private async userMemberIds(manager: EntityManager, groupId: string): Promise<string[]> {
    const rows: Array<{ memberId: string }> = await manager.query(...userMembersQuery(groupId));
    return rows.map((row) => row.memberId);
  }

  async list(_ctx: RequestContext, connectorId: string, query: IdpListQuery): Promise<IdpPage<IdpGroupRecord>> {
    return listPage(this.dataSource.manager, GROUP_LIST, connectorId, query);
  }

  /** The members of each of `groupIds`, read in one statement. */
  async members(_ctx: RequestContext, groupIds: string[]): Promise<Map<string, IdpMember[]>> {
    return this.readMembers(this.dataSource.manager, groupIds);
  }

  private async readMembers(manager: EntityManager, groupIds: string[]): Promise<Map<string, IdpMember[]>> {
    const members = new Map<string, IdpMember[]>(groupIds.map((id) => [id, []]));
    for (const batch of chunks(groupIds)) {
      const rows: Array<{ groupId: string; memberId: string; memberType: IdpMemberType }> = await manager.query(
        `SELECT groupId, memberId, memberType FROM idp_group_members WHERE groupId IN (${placeholders(batch.length)}) ORDER BY groupId, memberId`,
        batch,
      );
      for (const row of rows) members.get(row.groupId)!.push({ id: row.memberId, type: row.memberType });
    }
    return members;
  }

  private async changeMembers(
    manager: EntityManager,
    scope: TransactionScope,
    group: IdpGroupRecord,
    change: MemberChange,
    now: Date,
    types: MemberTypes,
  ): Promise<void> {
    if (change.replaceWith) {
      await scope.defer('DELETE FROM idp_group_members WHERE groupId = ?', [group.id]);
      await this.addMembers(manager, scope, group, change.replaceWith, now, types);
    }
    for (const batch of chunks(change.remove)) {
      await scope.defer(`DELETE FROM idp_group_members WHERE groupId = ? AND memberId IN (${placeholders(batch.length)})`, [
        group.id,
        ...batch,
      ]);
    }
    await this.addMembers(manager, scope, group, change.add, now, types);
  }

  /**
   * Adds members that are not in the group yet; each must be a user or another group of the
   * connector. `known` holds the types read already (with the lock).
   */
  private async addMembers(
    manager: EntityManager,
    scope: TransactionScope,
    group: IdpGroupRecord,
    memberIds: string[],
    now: Date,
    known: MemberTypes = new MemberTypes(),
  ): Promise<void> {
    const ids = [...new Set(memberIds)];
    if (ids.length === 0) return;
    if (ids.includes(group.id)) throw new DomainError('INVALID_INPUT', 'a group cannot be a member of itself');
    const at = sqlTime(now);
    for (const batch of chunks(ids)) {
      const toRead = batch.filter((id) => !known.has(id));
      if (toRead.length > 0) known.add(toRead, await manager.query(...memberTypesQuery(toRead)), group.connectorId);
      const unknown = batch.filter((id) => !known.typeOf(id));
      if (unknown.length > 0) {
        throw new DomainError('INVALID_INPUT', `no user or group with id ${unknown.slice(0, 5).map((id) => `"${id}"`).join(', ')}`, {
          members: unknown.slice(0, 100),
        });
      }
      await scope.defer(
        `${insertIgnore(this.dataSource.options.type)} INTO idp_group_members (groupId, memberId, memberType, createdAt) VALUES ${batch
          .map(() => '(?, ?, ?, ?)')
          .join(', ')}`,
        batch.flatMap((id) => [group.id, id, known.typeOf(id), at]),
      );
    }
  }
}

function userMembersQuery(groupId: string): [sql: string, params: unknown[]] {
  return ["SELECT memberId FROM idp_group_members WHERE groupId = ? AND memberType = 'User'", [groupId]];
}

interface MemberTypeRow {
  id: string;
  connectorId: string;
  memberType: IdpMemberType;
}

/**
 * Whether each id is a user or a group, in one statement. By primary key alone: with
 * `connectorId = ?` as well, SQLite's planner walks the connector's whole index instead. The
 * connector is checked on the rows (MemberTypes.add).
 */
function memberTypesQuery(ids: string[]): [sql: string, params: unknown[]] {
  const list = placeholders(ids.length);
  return [
    `SELECT id, connectorId, 'User' AS memberType FROM idp_users WHERE id IN (${list})
     UNION ALL SELECT id, connectorId, 'Group' AS memberType FROM idp_groups WHERE id IN (${list})`,
    [...ids, ...ids],
  ];
}

/** Member ids whose types have been read: a user's or a group's of the connector, or neither. */
class MemberTypes {
  private readonly types = new Map<string, IdpMemberType | null>();

  /** Records what memberTypesQuery answered for `ids`. */
  add(ids: string[], rows: MemberTypeRow[], connectorId: string): void {
    for (const id of ids) this.types.set(id, null);
    for (const row of rows) if (row.connectorId === connectorId) this.types.set(row.id, row.memberType);
  }

  has(id: string): boolean {
    return this.types.has(id);
  }

  /** The id's type; undefined when it names nothing of the connector (or was not read). */
  typeOf(id: string): IdpMemberType | undefined {
    return this.types.get(id) ?? undefined;
  }
}

/**
 * Who joined and who left a group through `change` (applied as changeMembers does: the replace,
 * then the removals, then the additions); `before` is the member list, read only for a replace.
 */
function memberDelta(change: MemberChange, before: string[]): { joined: string[]; left: string[] } {
  const removed = new Set(change.remove);
  const after = new Set([...(change.replaceWith ?? []).filter((id) => !removed.has(id)), ...change.add]);
  const had = new Set(before);
  const joined = [...after].filter((id) => !had.has(id));
  const left = [...new Set([...before, ...change.remove])].filter((id) => !after.has(id));
  return { joined, left };
}

function groupNotFound(id: string): DomainError {
  return new DomainError('NOT_FOUND', `no group with id "${id}"`);
}

function displayNameTaken(displayName: string): DomainError {
  return new DomainError('CONFLICT', `a group named ${JSON.stringify(displayName)} already exists`);
}
