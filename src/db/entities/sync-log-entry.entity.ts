import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, NameColumn, RefColumn, TimeColumn, type JsonObject } from '../columns';
import { SyncRunEntity } from './sync-run.entity';

export type SyncLogLevel = 'INFO' | 'WARN' | 'ERROR';

/** A line of a sync run's log; `id` orders the lines and pages through them. */
@Entity('sync_log_entries')
@Index(['syncRunId', 'id'])
export class SyncLogEntryEntity {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @RefColumn()
  syncRunId: string;

  @ManyToOne(() => SyncRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'syncRunId' })
  syncRun?: SyncRunEntity;

  @TimeColumn()
  at: Date;

  @Column({ type: 'varchar', length: 8 })
  level: SyncLogLevel;

  @Column({ type: 'varchar', length: 1000 })
  message: string;

  @NameColumn({ nullable: true })
  userName: string | null;

  @JsonColumn({ nullable: true })
  details: JsonObject | null;
}
