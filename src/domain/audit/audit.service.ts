import type { EntityManager } from 'typeorm';
import type { JsonObject } from '../../db/columns';
import { AuditEventEntity } from '../../db/entities/audit-event.entity';
import { actorName, RequestContext } from '../context';

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
}
