import type { DataSource } from 'typeorm';
import { caseKey, newId } from '../../db/columns';
import { GroupEntity, GroupOrigin } from '../../db/entities/group.entity';
import { isUniqueViolation } from '../../db/errors';
import { forUpdate, placeholders, rowsByPart, startsWith, unionOfParts } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import type { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';
import { validName } from '../names';
import { DirectoryGroup, DirectoryUser, GROUP_COLUMNS, groupOf, Page, searchPrefix, USER_COLUMNS, userOf } from './directory.types';

export interface GroupQuery {
  /** A case-insensitive prefix of the name. */
  search: string | null;
  origin: GroupOrigin | null;
  first: number;
  /** The nameKey of the last group of the previous page. */
  after: string | null;
}

export interface MemberPageRequest {
  groupId: string;
  first: number;
  /** The last userId of the previous page. */
  after: string | null;
}

/** The application directory's groups: listed for admins, and created by them (origin LOCAL). */
export class GroupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /** Groups in name order (case-insensitive), on the unique nameKey index; origin is checked on its rows. */
  async list(_ctx: RequestContext, query: GroupQuery): Promise<Page<DirectoryGroup>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const prefix = searchPrefix(query.search, 'search');
    if (prefix !== null) {
      const match = startsWith('g.nameKey', caseKey(prefix));
      where.push(match.sql);
      params.push(...match.params);
    }
    if (query.origin !== null) {
      where.push('g.origin = ?');
      params.push(query.origin);
    }
    const from = (conditions: string[]) => `FROM \`groups\` g${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    const [{ total }] = await this.dataSource.query(`SELECT COUNT(*) AS total ${from(where)}`, params);
    const keyset = query.after === null ? [] : ['g.nameKey > ?'];
    const rows = await this.dataSource.query(`SELECT ${GROUP_COLUMNS} ${from([...where, ...keyset])} ORDER BY g.nameKey LIMIT ?`, [
      ...params,
      ...(query.after === null ? [] : [query.after]),
      query.first + 1,
    ]);
    return { items: rows.slice(0, query.first).map(groupOf), total: Number(total), hasNext: rows.length > query.first };
  }

  async find(ctx: RequestContext, id: string): Promise<DirectoryGroup | null> {
    return (await this.byIds(ctx, [id])).get(id) ?? null;
  }

  /** Groups by id, in one statement (for DataLoader); ids without a group are missing from the map. */
  async byIds(_ctx: RequestContext, ids: readonly string[]): Promise<Map<string, DirectoryGroup>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query(`SELECT ${GROUP_COLUMNS} FROM \`groups\` g WHERE g.id IN (${placeholders(ids.length)})`, [...ids]);
    return new Map(rows.map((row: Record<string, unknown>) => [String(row.id), groupOf(row)]));
  }

  /** How many members each group has, in one statement on the (groupId, userId) index. */
  async memberCounts(_ctx: RequestContext, ids: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>(ids.map((id) => [id, 0]));
    if (ids.length === 0) return counts;
    const rows: Array<{ groupId: string; n: unknown }> = await this.dataSource.query(
      `SELECT groupId, COUNT(*) AS n FROM memberships WHERE groupId IN (${placeholders(ids.length)}) GROUP BY groupId`,
      [...ids],
    );
    for (const row of rows) counts.set(row.groupId, Number(row.n));
    return counts;
  }

  /**
   * Pages of several groups' members in userId order, in two statements however many groups: the
   * (groupId, userId) index serves each page, however large its group. A request's `after` is the
   * last userId of its previous page. The pages answer in the order of the requests.
   */
  async memberPages(ctx: RequestContext, requests: readonly MemberPageRequest[]): Promise<Array<Page<DirectoryUser>>> {
    if (requests.length === 0) return [];
    const totals = await this.memberCounts(ctx, [...new Set(requests.map((request) => request.groupId))]);
    const [sql, params] = unionOfParts(
      requests.map((request) => [
        `SELECT ${USER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.userId
         WHERE m.groupId = ?${request.after === null ? '' : ' AND m.userId > ?'} ORDER BY m.userId LIMIT ?`,
        [request.groupId, ...(request.after === null ? [] : [request.after]), request.first + 1],
      ]),
    );
    const parts = rowsByPart(await this.dataSource.query(sql, params), requests.length);
    return requests.map((request, index) => {
      const own = parts[index].map(userOf).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { items: own.slice(0, request.first), total: totals.get(request.groupId)!, hasNext: own.length > request.first };
    });
  }

  /** A local group. Names are unique regardless of case: a taken name is a CONFLICT. */
  async create(ctx: RequestContext, rawName: string): Promise<DirectoryGroup> {
    const name = validName(rawName);
    const now = new Date();
    const group: GroupEntity = { id: newId(), name, nameKey: caseKey(name), origin: 'LOCAL', createdAt: now, updatedAt: now };
    try {
      await this.transactions.run(async (manager) => {
        await manager.insert(GroupEntity, group);
        await this.audit.record(manager, ctx, { action: 'group.create', targetType: 'Group', targetId: group.id, after: { name, origin: 'LOCAL' } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('CONFLICT', `a group named "${name}" exists already (names are unique regardless of case)`, { field: 'name' });
      throw error;
    }
    return { id: group.id, name, nameKey: group.nameKey, origin: 'LOCAL', createdAt: now };
  }

  /**
   * Deletes a local group with its memberships. Groups that came from an IdP or a policy are
   * refused (CONFLICT): the next sync would make them again; they go when their source does.
   */
  async delete(ctx: RequestContext, id: string): Promise<DirectoryGroup> {
    return this.transactions.run(async (manager) => {
      const [row] = await manager.query(`SELECT ${GROUP_COLUMNS} FROM \`groups\` g WHERE g.id = ?${forUpdate(this.dataSource.options.type)}`, [id]);
      if (!row) throw new DomainError('NOT_FOUND', `no group with id "${id}"`);
      const group = groupOf(row);
      if (group.origin !== 'LOCAL') {
        throw new DomainError('CONFLICT', `group "${group.name}" has origin ${group.origin}: only local groups can be deleted; it goes when its source stops naming it`);
      }
      const [{ members }] = await manager.query('SELECT COUNT(*) AS members FROM memberships WHERE groupId = ?', [id]);
      await manager.query('DELETE FROM `groups` WHERE id = ?', [id]);
      await this.audit.record(manager, ctx, { action: 'group.delete', targetType: 'Group', targetId: id, before: { name: group.name, origin: group.origin, members: Number(members) } });
      return group;
    });
  }
}
