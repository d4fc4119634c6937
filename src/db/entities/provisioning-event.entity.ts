import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ID_LENGTH, RefColumn, TimeColumn } from '../columns';
import { ConnectorEntity } from './connector.entity';

export type ProvisioningOperation = 'CREATE' | 'REPLACE' | 'PATCH' | 'DELETE';
export type ProvisioningResourceType = 'User' | 'Group';

/** One SCIM write as the IdP made it: the raw material of incremental sync runs and reports. */
@Entity('provisioning_events')
@Index(['connectorId', 'at'])
export class ProvisioningEventEntity {
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @RefColumn()
  connectorId: string;

  @ManyToOne(() => ConnectorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connectorId' })
  connector?: ConnectorEntity;

  @TimeColumn()
  at: Date;

  @Column({ type: 'varchar', length: 16 })
  operation: ProvisioningOperation;

  @Column({ type: 'varchar', length: 8 })
  resourceType: ProvisioningResourceType;

  /** The SCIM id; null when a create failed before one was given. */
  @Column({ type: 'varchar', length: ID_LENGTH, nullable: true })
  resourceId: string | null;

  /** The HTTP status answered. */
  @Column({ type: 'int' })
  status: number;

  @Column({ type: 'int' })
  durationMs: number;
}
