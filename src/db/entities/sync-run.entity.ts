import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, JsonColumn, RefColumn, TimeColumn, type JsonObject } from '../columns';
import { ConnectorEntity } from './connector.entity';

export type SyncRunKind = 'FULL' | 'INCREMENTAL' | 'PREVIEW';
export type SyncRunStatus = 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_FAILED' | 'FAILED';

export interface MemoryFigures {
  heapUsed: number;
  rss: number;
  freeSystem: number;
}

export interface SyncRunMemory {
  start: MemoryFigures;
  end?: MemoryFigures;
  peak?: MemoryFigures;
}

/** One reconciliation of a connector's directory: a full sync, a preview, or a cycle of SCIM traffic. */
@Entity('sync_runs')
@Index(['connectorId', 'startedAt'])
export class SyncRunEntity {
  @IdColumn()
  id: string;

  @RefColumn()
  connectorId: string;

  @ManyToOne(() => ConnectorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connectorId' })
  connector?: ConnectorEntity;

  @Column({ type: 'varchar', length: 16 })
  kind: SyncRunKind;

  @Column({ type: 'varchar', length: 16 })
  status: SyncRunStatus;

  @TimeColumn()
  startedAt: Date;

  @TimeColumn({ nullable: true })
  finishedAt: Date | null;

  /** The last change recorded in the run; an incremental cycle ends after a quiet gap past it. */
  @TimeColumn()
  lastActivityAt: Date;

  @Column({ type: 'int', default: 0 })
  usersCreated: number;

  @Column({ type: 'int', default: 0 })
  usersUpdated: number;

  @Column({ type: 'int', default: 0 })
  usersDisabled: number;

  @Column({ type: 'int', default: 0 })
  usersEnabled: number;

  @Column({ type: 'int', default: 0 })
  usersDeleted: number;

  @Column({ type: 'int', default: 0 })
  membershipsAdded: number;

  @Column({ type: 'int', default: 0 })
  membershipsRemoved: number;

  @Column({ type: 'int', default: 0 })
  errors: number;

  /** A full sync's or a preview's users reconciled so far; 0 for an incremental cycle. */
  @Column({ type: 'int', default: 0 })
  usersProcessed: number;

  /** The users a full sync or a preview set out to reconcile, counted as it started; null for an incremental cycle. */
  @Column({ type: 'int', nullable: true })
  usersTotal: number | null;

  /** Heap, RSS and free memory at start, end and peak, when the connector logs free memory. */
  @JsonColumn({ nullable: true })
  memory: SyncRunMemory | null;

  /** A preview's diff with samples; null for runs that wrote. */
  @JsonColumn({ nullable: true })
  diff: JsonObject | null;
}
