import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { DomainError } from '../../domain/errors';
import type { GraphQLContext } from '../context';
import { decodeCursor, pageSize, toConnection, wholeNumberPart } from '../pagination';
import { AuditEventConnection, AuditEventType } from './audit-event.type';

@Resolver()
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first.' })
  async auditEvents(
    @Arg('targetType', () => String, { nullable: true, description: 'Only events about this kind of thing: Connector, Group, User or AdminToken.' })
    targetType: string | null,
    @Arg('targetId', () => ID, { nullable: true, description: 'With targetType: only events about this one.' }) targetId: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Events in the page (at most 200; default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<AuditEventConnection> {
    if (targetId != null && targetType == null) throw new DomainError('INVALID_INPUT', 'targetId needs targetType', { field: 'targetId' });
    const cursor = decodeCursor(after, 1, wholeNumberPart);
    const afterId = cursor && Number(cursor[0]);
    const page = await services.audit.list(request, { targetType: targetType ?? null, targetId: targetId ?? null, first: pageSize(first), afterId });
    return toConnection(page, AuditEventType.from, (event) => [String(event.id)]);
  }
}
