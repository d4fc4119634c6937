import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimeColumn } from '../columns';
import { ConnectorEntity } from './connector.entity';

/** A bearer token for one connector's SCIM endpoint. Only its SHA-256 is stored. */
@Entity('connector_tokens')
@Index(['connectorId', 'expiresAt'])
export class ConnectorTokenEntity {
  @IdColumn()
  id: string;

  @RefColumn()
  connectorId: string;

  @ManyToOne(() => ConnectorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connectorId' })
  connector?: ConnectorEntity;

  /** The first characters of the token, so an admin can tell tokens apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  hash: string;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn({ nullable: true })
  lastUsedAt: Date | null;

  /** Null while the token is current; set when it is rotated away (with its grace period) or revoked. */
  @TimeColumn({ nullable: true })
  expiresAt: Date | null;
}
