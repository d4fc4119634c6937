import type { DataSource, EntityManager } from 'typeorm';
import { MembershipEntity, MembershipSource } from '../../db/entities/membership.entity';
import { isUniqueViolation } from '../../db/errors';
import { placeholders } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import type { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';
import type { ConnectorPlan, DirectorySyncService } from '../sync/directory-sync.service';
import { DirectoryGroup, DirectoryMembership, DirectoryUser, GROUP_COLUMNS, groupOf, membershipOf, Page, USER_COLUMNS, userOf } from './directory.types';
import { warningAfterAdd, warningAfterRemove } from './sync-warnings';

export interface MembershipQuery {
  connectorId: string | null;
  groupId: string | null;
  userId: string | null;
  managedBy: MembershipSource | null;
  first: number;
  after: { groupId: string; userId: string } | null;
}

/** A membership an admin changed, and what the next sync will do about it (null: nothing). */
export interface MembershipChange {
  membership: DirectoryMembership;
  warning: string | null;
}

/** The connector whose sync owns a user, with its settings compiled as the sync compiles them. */
interface Owner {
  connectorName: string;
  plan: ConnectorPlan;
}

/** Memberships of the application directory: read for admins, and added or removed by them. */
export class MembershipService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly sync: DirectorySyncService,
  ) {}

  /** The memberships of several users, in one statement (for DataLoader); every id gets a list. */
  async ofUsers(_ctx: RequestContext, userIds: readonly string[]): Promise<Map<string, DirectoryMembership[]>> {
    const memberships = new Map(userIds.map((id) => [id, [] as DirectoryMembership[]]));
    if (userIds.length === 0) return memberships;
    const rows = await this.dataSource.query(
      `SELECT userId, groupId, managedBy, createdAt FROM memberships WHERE userId IN (${placeholders(userIds.length)})`,
      [...userIds],
    );
    for (const row of rows) memberships.get(row.userId)?.push(membershipOf(row));
    return memberships;
  }

  /**
   * Memberships in (groupId, userId) order, which the (groupId, userId) index serves; `after` is
   * the (groupId, userId) of the last membership of the previous page. A connector narrows them
   * to its directory's users.
   */
  async list(_ctx: RequestContext, query: MembershipQuery): Promise<Page<DirectoryMembership>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const narrow = (condition: string, value: unknown) => {
      where.push(condition);
      params.push(value);
    };
    if (query.groupId !== null) narrow('m.groupId = ?', query.groupId);
    if (query.userId !== null) narrow('m.userId = ?', query.userId);
    if (query.managedBy !== null) narrow('m.managedBy = ?', query.managedBy);
    if (query.connectorId !== null) narrow('u.directoryId = (SELECT directoryId FROM connectors WHERE id = ?)', query.connectorId);
    const from = (conditions: string[]) =>
      `FROM memberships m${query.connectorId !== null ? ' JOIN users u ON u.id = m.userId' : ''}${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    const [{ total }] = await this.dataSource.query(`SELECT COUNT(*) AS total ${from(where)}`, params);
    const keyset = query.after === null ? [] : ['(m.groupId > ? OR (m.groupId = ? AND m.userId > ?))'];
    const rows = await this.dataSource.query(`SELECT m.userId, m.groupId, m.managedBy, m.createdAt ${from([...where, ...keyset])} ORDER BY m.groupId, m.userId LIMIT ?`, [
      ...params,
      ...(query.after === null ? [] : [query.after.groupId, query.after.groupId, query.after.userId]),
      query.first + 1,
    ]);
    return { items: rows.slice(0, query.first).map(membershipOf), total: Number(total), hasNext: rows.length > query.first };
  }

  /**
   * Adds a user to a group, managed by LOCAL. When the user is synced, the answer warns if the
   * next sync will remove the membership again.
   */
  async add(ctx: RequestContext, groupId: string, userId: string): Promise<MembershipChange> {
    const owner = await this.ownerOf(ctx, userId);
    return this.transactions.run(async (manager) => {
      const { group, user } = await this.lookUp(manager, groupId, userId);
      const membership: DirectoryMembership = { userId, groupId, managedBy: 'LOCAL', createdAt: new Date() };
      try {
        await manager.insert(MembershipEntity, membership);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('CONFLICT', `user "${user.userName}" is a member of group "${group.name}" already`);
        throw error;
      }
      const next = owner && (await this.sync.nextDecision(manager, owner.plan, user));
      const warning = next ? warningAfterAdd(next, group.name, owner.connectorName) : null;
      await this.audit.record(manager, ctx, {
        action: 'group.addMember',
        targetType: 'Group',
        targetId: groupId,
        after: { group: group.name, userId, userName: user.userName, managedBy: membership.managedBy, warning },
      });
      return { membership, warning };
    });
  }

  /**
   * Removes a user from a group, whoever manages the membership. When the user is synced, the
   * answer warns if the next sync will add it back.
   */
  async remove(ctx: RequestContext, groupId: string, userId: string): Promise<MembershipChange> {
    const owner = await this.ownerOf(ctx, userId);
    return this.transactions.run(async (manager) => {
      const { group, user } = await this.lookUp(manager, groupId, userId);
      const [row] = await manager.query('SELECT userId, groupId, managedBy, createdAt FROM memberships WHERE userId = ? AND groupId = ?', [userId, groupId]);
      const deleted = row ? await manager.delete(MembershipEntity, { userId, groupId }) : null;
      // A remove that another request made first finds nothing to delete.
      if (!row || deleted?.affected === 0) throw new DomainError('NOT_FOUND', `user "${user.userName}" is not a member of group "${group.name}"`);
      const membership = membershipOf(row);
      const next = owner && (await this.sync.nextDecision(manager, owner.plan, user));
      const warning = next ? warningAfterRemove(next, group.name, owner.connectorName) : null;
      await this.audit.record(manager, ctx, {
        action: 'group.removeMember',
        targetType: 'Group',
        targetId: groupId,
        before: { group: group.name, userId, userName: user.userName, managedBy: membership.managedBy },
        after: { warning },
      });
      return { membership, warning };
    });
  }

  /** The connector whose directory holds the user; null for a local user. NOT_FOUND without a user. */
  private async ownerOf(ctx: RequestContext, userId: string): Promise<Owner | null> {
    const [row] = await this.dataSource.query('SELECT c.id, c.name FROM users u LEFT JOIN connectors c ON c.directoryId = u.directoryId WHERE u.id = ?', [userId]);
    if (!row) throw new DomainError('NOT_FOUND', `no user with id "${userId}"`);
    return row.id ? { connectorName: row.name, plan: await this.sync.plan(ctx, row.id) } : null;
  }

  private async lookUp(manager: EntityManager, groupId: string, userId: string): Promise<{ group: DirectoryGroup; user: DirectoryUser }> {
    const [group] = await manager.query(`SELECT ${GROUP_COLUMNS} FROM \`groups\` g WHERE g.id = ?`, [groupId]);
    if (!group) throw new DomainError('NOT_FOUND', `no group with id "${groupId}"`);
    const [user] = await manager.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`, [userId]);
    if (!user) throw new DomainError('NOT_FOUND', `no user with id "${userId}"`);
    return { group: groupOf(group), user: userOf(user) };
  }
}
