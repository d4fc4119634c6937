import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ID_LENGTH, JsonColumn, NameColumn, TimeColumn, type JsonObject } from '../columns';

/** Who changed what, when: one row per admin mutation, with the state before and after. */
@Entity('audit_events')
@Index(['at'])
@Index(['targetType', 'targetId'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @TimeColumn()
  at: Date;

  /** The admin token's name (never the token). */
  @NameColumn()
  actor: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 32 })
  targetType: string;

  @Column({ type: 'varchar', length: ID_LENGTH, nullable: true })
  targetId: string | null;

  @JsonColumn({ nullable: true })
  before: JsonObject | null;

  @JsonColumn({ nullable: true })
  after: JsonObject | null;
}
