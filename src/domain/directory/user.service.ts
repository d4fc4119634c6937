import type { DataSource } from 'typeorm';
import { caseKey, JsonObject } from '../../db/columns';
import { forUpdate, placeholders, readJson, sqlBool, sqlTime, startsWith } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import type { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';
import { DirectoryStats, DirectoryUser, Page, searchPrefix, USER_COLUMNS, userOf } from './directory.types';

/** Which users to list, and where the page starts. */
export interface UserQuery {
  /** Only the users of this connector's directory; null: every directory, the local one included. */
  connectorId: string | null;
  /** A case-insensitive prefix of userName. */
  search: string | null;
  active: boolean | null;
  /** Only the members of the group with this name (case-insensitive). */
  group: string | null;
  first: number;
  /** The last user of the previous page. */
  after: { userNameKey: string; directoryId: string } | null;
}

/** The application directory's users: listed for admins, and enabled or disabled by them. */
export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /**
   * Users in userName order, then directory (unique together, so the order is total). Each
   * filter narrows an index range or is checked on the rows of one: search is a prefix of
   * userNameKey, a connector one directory of the (directoryId, userNameKey) index, and every
   * directory together the (userNameKey, directoryId) index.
   */
  async list(_ctx: RequestContext, query: UserQuery): Promise<Page<DirectoryUser>> {
    const where: string[] = [];
    const params: unknown[] = [];
    let join = '';
    if (query.group !== null) {
      const [group] = await this.dataSource.query('SELECT id FROM `groups` WHERE nameKey = ?', [caseKey(query.group)]);
      if (!group) return { items: [], total: 0, hasNext: false };
      join = ' JOIN memberships m ON m.userId = u.id AND m.groupId = ?';
      params.push(group.id);
    }
    if (query.connectorId !== null) {
      const [connector] = await this.dataSource.query('SELECT directoryId FROM connectors WHERE id = ?', [query.connectorId]);
      if (!connector) throw new DomainError('NOT_FOUND', `no connector with id "${query.connectorId}"`);
      where.push('u.directoryId = ?');
      params.push(connector.directoryId);
    }
    const prefix = searchPrefix(query.search, 'search');
    if (prefix !== null) {
      const match = startsWith('u.userNameKey', caseKey(prefix));
      where.push(match.sql);
      params.push(...match.params);
    }
    if (query.active !== null) {
      where.push('u.active = ?');
      params.push(sqlBool(query.active));
    }
    const from = (conditions: string[]) => `FROM users u${join}${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    const [{ total }] = await this.dataSource.query(`SELECT COUNT(*) AS total ${from(where)}`, params);

    // In one directory, userNameKey alone is the order: MariaDB then reads the index in order
    // rather than sorting the directory.
    const oneDirectory = query.connectorId !== null;
    const after = query.after;
    const keyset: string[] = [];
    const keysetParams: unknown[] = [];
    if (after && oneDirectory) {
      keyset.push('u.userNameKey > ?');
      keysetParams.push(after.userNameKey);
    } else if (after) {
      keyset.push('(u.userNameKey > ? OR (u.userNameKey = ? AND u.directoryId > ?))');
      keysetParams.push(after.userNameKey, after.userNameKey, after.directoryId);
    }
    const rows = await this.dataSource.query(
      `SELECT ${USER_COLUMNS} ${from([...where, ...keyset])} ORDER BY u.userNameKey${oneDirectory ? '' : ', u.directoryId'} LIMIT ?`,
      [...params, ...keysetParams, query.first + 1],
    );
    return { items: rows.slice(0, query.first).map(userOf), total: Number(total), hasNext: rows.length > query.first };
  }

  async find(_ctx: RequestContext, id: string): Promise<DirectoryUser | null> {
    const [row] = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`, [id]);
    return row ? userOf(row) : null;
  }

  /** Users by id, in one statement (for DataLoader); ids without a user are missing from the map. */
  async byIds(_ctx: RequestContext, ids: readonly string[]): Promise<Map<string, DirectoryUser>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id IN (${placeholders(ids.length)})`, [...ids]);
    return new Map(rows.map((row: Record<string, unknown>) => [String(row.id), userOf(row)]));
  }

  /** The SCIM resources of IdP users, as the IdP last wrote them, in one statement (for DataLoader). */
  async idpResources(_ctx: RequestContext, idpUserIds: readonly string[]): Promise<Map<string, JsonObject>> {
    if (idpUserIds.length === 0) return new Map();
    const rows: Array<{ id: string; resource: unknown }> = await this.dataSource.query(
      `SELECT id, resource FROM idp_users WHERE id IN (${placeholders(idpUserIds.length)})`,
      [...idpUserIds],
    );
    return new Map(rows.map((row) => [row.id, readJson<JsonObject>(row.resource)]));
  }

  /**
   * An admin's disable or enable. Disabling records the admin as the reason, which no sync undoes.
   * Enabling clears any reason; a sync disables the user again while its cause lasts (the IdP
   * says inactive, or cleanup applies).
   */
  async setEnabled(ctx: RequestContext, userId: string, enabled: boolean): Promise<DirectoryUser> {
    return this.transactions.run(async (manager) => {
      const [row] = await manager.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?${forUpdate(this.dataSource.options.type)}`, [userId]);
      if (!row) throw new DomainError('NOT_FOUND', `no user with id "${userId}"`);
      const before = userOf(row);
      const after: DirectoryUser = { ...before, active: enabled, disabledReason: enabled ? null : 'ADMIN' };
      await manager.query('UPDATE users SET active = ?, disabledReason = ?, updatedAt = ? WHERE id = ?', [
        sqlBool(after.active),
        after.disabledReason,
        sqlTime(new Date()),
        userId,
      ]);
      await this.audit.record(manager, ctx, {
        action: enabled ? 'user.enable' : 'user.disable',
        targetType: 'User',
        targetId: userId,
        before: { userName: before.userName, active: before.active, disabledReason: before.disabledReason },
        after: { userName: after.userName, active: after.active, disabledReason: after.disabledReason },
      });
      return after;
    });
  }

  /**
   * Counts per directory, two statements for any number of directories: users and active users
   * from the (directoryId, active) index, memberships and the groups they name from each user's
   * memberships.
   */
  async statsOf(_ctx: RequestContext, directoryIds: readonly string[]): Promise<Map<string, DirectoryStats>> {
    const stats = new Map<string, DirectoryStats>(directoryIds.map((id) => [id, { users: 0, activeUsers: 0, groups: 0, memberships: 0 }]));
    if (directoryIds.length === 0) return stats;
    const ids = placeholders(directoryIds.length);
    const users: Array<{ directoryId: string; users: unknown; activeUsers: unknown }> = await this.dataSource.query(
      `SELECT directoryId, COUNT(*) AS users, SUM(CASE WHEN active THEN 1 ELSE 0 END) AS activeUsers FROM users WHERE directoryId IN (${ids}) GROUP BY directoryId`,
      [...directoryIds],
    );
    const memberships: Array<{ directoryId: string; memberships: unknown; groupCount: unknown }> = await this.dataSource.query(
      `SELECT u.directoryId, COUNT(*) AS memberships, COUNT(DISTINCT m.groupId) AS groupCount
       FROM users u JOIN memberships m ON m.userId = u.id WHERE u.directoryId IN (${ids}) GROUP BY u.directoryId`,
      [...directoryIds],
    );
    for (const row of users) Object.assign(stats.get(row.directoryId)!, { users: Number(row.users), activeUsers: Number(row.activeUsers) });
    for (const row of memberships) Object.assign(stats.get(row.directoryId)!, { memberships: Number(row.memberships), groups: Number(row.groupCount) });
    return stats;
  }
}
