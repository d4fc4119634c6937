import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, JsonColumn, NameColumn, RefColumn, TimeColumn, type JsonObject } from '../columns';
import { ConnectorEntity } from './connector.entity';

/** A SCIM Group as the identity provider wrote it, without its members (those are rows of their own). */
@Entity('idp_groups')
@Index(['connectorId', 'displayNameKey'], { unique: true })
@Index(['connectorId', 'externalId'])
@Index(['connectorId', 'updatedAt'])
export class IdpGroupEntity {
  @IdColumn()
  id: string;

  @RefColumn()
  connectorId: string;

  @ManyToOne(() => ConnectorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connectorId' })
  connector?: ConnectorEntity;

  @NameColumn({ nullable: true })
  externalId: string | null;

  @NameColumn()
  displayName: string;

  /** caseKey(displayName): SCIM's displayName is not case-exact, so neither is its uniqueness. */
  @NameColumn()
  displayNameKey: string;

  /** Every attribute but members, extensions included. */
  @JsonColumn()
  resource: JsonObject;

  @Column({ type: 'int' })
  version: number;

  @TimeColumn()
  createdAt: Date;

  @TimeColumn()
  updatedAt: Date;
}
