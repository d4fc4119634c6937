import type { DataSource, EntityManager } from 'typeorm';
import { MembershipEntity } from '../../db/entities/membership.entity';
import { isUniqueViolation } from '../../db/errors';
import { placeholders } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import type { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';
import type { ConnectorPlan, DirectorySyncService } from '../sync/directory-sync.service';
import { DirectoryGroup, DirectoryMembership, DirectoryUser, GROUP_COLUMNS, groupOf, membershipOf, USER_COLUMNS, userOf } from './directory.types';
import { warningAfterAdd, warningAfterRemove } from './sync-warnings';

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
