import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { JsonObject } from '../../db/columns';
import type { AuditEventEntity } from '../../db/entities/audit-event.entity';
import { Connection } from '../pagination';

@ObjectType('AuditEvent', { description: 'Who changed what, when: one per mutation, with the state before and after (never a secret).' })
export class AuditEventType {
  @Field(() => ID, { description: 'The event’s id; ids rise with time.' })
  id: string;

  @Field({ description: 'When the change was made.' })
  at: Date;

  @Field({ description: 'The admin token’s name (ADMIN_TOKEN for the operator’s configured token, system for the server itself).' })
  actor: string;

  @Field({ description: 'What was done, as <target>.<verb>: connector.update, group.create, adminToken.revoke, …' })
  action: string;

  @Field({ description: 'The kind of thing changed: Connector, Group, User or AdminToken.' })
  targetType: string;

  @Field(() => ID, { nullable: true, description: 'The id of the thing changed.' })
  targetId: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What changed, as it was; null when it did not exist or the change has no earlier state.' })
  before: JsonObject | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What changed, as it became; null when it is gone.' })
  after: JsonObject | null;

  static from(entity: AuditEventEntity): AuditEventType {
    return Object.assign(new AuditEventType(), {
      id: String(entity.id),
      at: entity.at,
      actor: entity.actor,
      action: entity.action,
      targetType: entity.targetType,
      targetId: entity.targetId,
      before: entity.before,
      after: entity.after,
    });
  }
}

export const AuditEventConnection = Connection(AuditEventType, 'AuditEvent');
export type AuditEventConnection = InstanceType<typeof AuditEventConnection>;
