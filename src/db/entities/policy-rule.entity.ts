import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn } from '../columns';
import { ConnectorEntity } from './connector.entity';

export type PolicyKind = 'ALWAYS_ASSIGN' | 'ONLY_ASSIGN' | 'NEVER_ASSIGN' | 'NEVER_REMOVE' | 'REQUIRED';

/** One group pattern of a connector's group policy: a row per rule, so one rule can change alone. */
@Entity('policy_rules')
@Index(['connectorId', 'kind', 'position'], { unique: true })
export class PolicyRuleEntity {
  @IdColumn()
  id: string;

  @RefColumn()
  connectorId: string;

  @ManyToOne(() => ConnectorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connectorId' })
  connector?: ConnectorEntity;

  @Column({ type: 'varchar', length: 16 })
  kind: PolicyKind;

  /** A regular expression that must match the whole group name (re2 syntax). */
  @Column({ type: 'varchar', length: 1000 })
  pattern: string;

  @Column({ type: 'int' })
  position: number;
}
