import type { DataSource, EntityManager } from 'typeorm';
import type { JsonObject } from '../../db/columns';
import { AuditEventEntity } from '../../db/entities/audit-event.entity';
import { actorName, RequestContext } from '../context';
import type { Page } from '../directory/directory.types';

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId: string | null;
  before?: JsonObject | null;
  after?: JsonObject | null;
}

/**
 * Writes who changed what inside the caller's transaction, so a change and its audit event land
 * together or not at all. Callers pass settings only, never a token or its hash.
 */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, ctx: RequestContext, record: AuditRecord): Promise<void> {
    await manager.insert(AuditEventEntity, {
      at: new Date(),
      actor: actorName(ctx.actor),
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      before: record.before ?? null,
      after: record.after ?? null,
    });
  }

  /**
   * Events newest first, optionally of one target (its type, and its id when given); `afterId` is
   * the id of the last event of the previous page. The ids rise with time, so the primary key
   * orders them, and the (targetType, targetId) index narrows them.
   */
  async list(_ctx: RequestContext, query: AuditQuery): Promise<Page<AuditEventEntity>> {
    const builder = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (query.targetType !== null) {
      builder.andWhere('e.targetType = :targetType', { targetType: query.targetType });
      if (query.targetId !== null) builder.andWhere('e.targetId = :targetId', { targetId: query.targetId });
    }
    const total = await builder.clone().getCount();
    if (query.afterId !== null) builder.andWhere('e.id < :afterId', { afterId: query.afterId });
    const rows = await builder.orderBy('e.id', 'DESC').take(query.first + 1).getMany();
    return { items: rows.slice(0, query.first), total, hasNext: rows.length > query.first };
  }
}

export interface AuditQuery {
  /** Only events about targets of this type (Connector, Group, User, AdminToken). */
  targetType: string | null;
  /** With targetType: only events about this target. */
  targetId: string | null;
  first: number;
  afterId: number | null;
}
