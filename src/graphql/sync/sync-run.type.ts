import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { SyncRunEntity, SyncRunKind, SyncRunStatus } from '../../db/entities/sync-run.entity';
import { Connection } from '../pagination';

export enum SyncRunKindEnum {
  FULL = 'FULL',
  INCREMENTAL = 'INCREMENTAL',
  PREVIEW = 'PREVIEW',
}
registerEnumType(SyncRunKindEnum, {
  name: 'SyncRunKind',
  description: 'FULL: every user of the connector; PREVIEW: the same, writing nothing; INCREMENTAL: a cycle of SCIM traffic.',
});

export enum SyncRunStatusEnum {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  PARTIALLY_FAILED = 'PARTIALLY_FAILED',
  FAILED = 'FAILED',
}
registerEnumType(SyncRunStatusEnum, { name: 'SyncRunStatus', description: 'Where a run is, or how it ended.' });

@ObjectType('SyncRun', { description: 'One reconciliation of a connector’s directory, with what it changed (or, for a preview, would change).' })
export class SyncRunType {
  @Field(() => ID, { description: 'The run’s id.' })
  id: string;

  @Field(() => ID, { description: 'The connector synced.' })
  connectorId: string;

  @Field(() => SyncRunKindEnum, { description: 'What kind of run.' })
  kind: SyncRunKind;

  @Field(() => SyncRunStatusEnum, { description: 'Running, or how it ended.' })
  status: SyncRunStatus;

  @Field({ description: 'When it started.' })
  startedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it ended; null while running.' })
  finishedAt: Date | null;

  @Field(() => Int, { description: 'Directory users created.' })
  usersCreated: number;

  @Field(() => Int, { description: 'Directory users whose attributes changed.' })
  usersUpdated: number;

  @Field(() => Int, { description: 'Users disabled (cleanup, or inactive in the IdP).' })
  usersDisabled: number;

  @Field(() => Int, { description: 'Users enabled again.' })
  usersEnabled: number;

  @Field(() => Int, { description: 'Users deleted (cleanup action DELETE).' })
  usersDeleted: number;

  @Field(() => Int, { description: 'Memberships added.' })
  membershipsAdded: number;

  @Field(() => Int, { description: 'Memberships removed.' })
  membershipsRemoved: number;

  @Field(() => Int, { description: 'Users the run could not write (each in the run’s log).' })
  errors: number;

  @Field(() => Int, { description: 'Users reconciled so far, for a full sync or a preview (0 for an incremental cycle): with usersTotal, the run’s progress.' })
  usersProcessed: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The users a full sync or a preview set out to reconcile, counted when it started (SCIM writes meanwhile may add some); null for an incremental cycle.',
  })
  usersTotal: number | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'For a preview: up to 10 samples of each kind of change (created, updated, disabled, enabled, deleted, membershipsAdded, membershipsRemoved, errors).',
  })
  diff: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Heap used, RSS and free system memory in bytes at start, end and peak, when the connector logs free memory.',
  })
  memory: Record<string, unknown> | null;

  static from(run: SyncRunEntity): SyncRunType {
    return Object.assign(new SyncRunType(), {
      id: run.id,
      connectorId: run.connectorId,
      kind: run.kind,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      usersCreated: run.usersCreated,
      usersUpdated: run.usersUpdated,
      usersDisabled: run.usersDisabled,
      usersEnabled: run.usersEnabled,
      usersDeleted: run.usersDeleted,
      membershipsAdded: run.membershipsAdded,
      membershipsRemoved: run.membershipsRemoved,
      errors: run.errors,
      usersProcessed: run.usersProcessed,
      usersTotal: run.usersTotal,
      diff: run.diff,
      memory: run.memory as Record<string, unknown> | null,
    });
  }
}

@ObjectType('SyncLogEntry', { description: 'One line of a sync run’s log.' })
export class SyncLogEntryType {
  @Field({ description: 'When it was written.' })
  at: Date;

  @Field({ description: 'INFO, WARN or ERROR.' })
  level: string;

  @Field({ description: 'What happened.' })
  message: string;

  @Field(() => String, { nullable: true, description: 'The user it is about, if any.' })
  userName: string | null;
}

export const SyncRunConnection = Connection(SyncRunType, 'SyncRun');
export type SyncRunConnection = InstanceType<typeof SyncRunConnection>;
export const SyncLogEntryConnection = Connection(SyncLogEntryType, 'SyncLogEntry');
export type SyncLogEntryConnection = InstanceType<typeof SyncLogEntryConnection>;
